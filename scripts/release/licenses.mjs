// THIRD-PARTY-LICENSES.txt: the licence text of every package whose code is in the executable, plus the
// Node.js runtime, the native LevelDB binding (with LevelDB and Snappy inside it) and, on Windows, WinSW.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function licenceText(folder) {
  const file = readdirSync(folder).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
  return file ? readFileSync(join(folder, file), 'utf8').trim() : undefined;
}

function section(title, licence, text) {
  return `${'='.repeat(78)}\n${title}\nLicence: ${licence}\n${'-'.repeat(78)}\n${text}\n`;
}

/**
 * @param {Map<string, string>} bundled package name → folder, from the bundle's metafile
 * @param {{ title: string; licence: string; text: string }[]} extra components outside node_modules
 */
export function thirdPartyLicences(bundled, extra) {
  const packages = [...bundled]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, folder]) => {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      return { name, version: manifest.version, licence: manifest.license ?? 'UNKNOWN', text: licenceText(folder) };
    });
  const missing = [];
  const sections = packages.map((pkg) => {
    let text = pkg.text;
    if (!text) {
      // No file in the package: the standard text of its declared licence, as another bundled package ships it.
      const donor = packages.find((other) => other.text && other.licence === pkg.licence);
      if (!donor) missing.push(pkg.name);
      text = donor
        ? `(the package ships no licence file; the ${pkg.licence} text as shipped by ${donor.name})\n${donor.text}`
        : `(the package ships no licence file; its package.json declares ${pkg.licence})`;
    }
    return section(`${pkg.name} ${pkg.version}`, pkg.licence, text);
  });
  for (const component of extra) sections.push(section(component.title, component.licence, component.text.trim()));
  const head =
    'Offloader bundles the software below. Each part keeps its own licence, reproduced here.\n' +
    `Packages inside the executable: ${bundled.size}; other components: ${extra.length}.\n\n`;
  return { text: head + sections.join('\n'), missing };
}

/** LevelDB and Snappy are compiled into leveldown's binary: their licences travel with it. */
export function leveldownLicences(leveldownFolder) {
  const manifest = JSON.parse(readFileSync(join(leveldownFolder, 'package.json'), 'utf8'));
  const leveldb = readdirSync(join(leveldownFolder, 'deps', 'leveldb')).find((name) => name.startsWith('leveldb-'));
  return [
    {
      title: `leveldown ${manifest.version} (native binding)`,
      licence: manifest.license,
      text: licenceText(leveldownFolder),
    },
    {
      title: `LevelDB ${leveldb?.slice('leveldb-'.length)} (inside leveldown)`,
      licence: 'BSD-3-Clause',
      text: licenceText(join(leveldownFolder, 'deps', 'leveldb', leveldb)),
    },
    {
      title: 'Snappy (inside leveldown)',
      licence: 'BSD-3-Clause',
      text: licenceText(join(leveldownFolder, 'deps', 'snappy', 'snappy')),
    },
  ];
}
