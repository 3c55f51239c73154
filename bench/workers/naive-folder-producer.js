// @ts-check
// B6 baseline: the folder shipper a user would write without Offloader (the loop in ../lib/folderShipper.js),
// sending with the AWS SDK's PutRecordsCommand.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { runFolderShipper } from '../lib/folderShipper.js';
import { localClient } from '../lib/localClient.js';

await runFolderShipper((endpoint) => {
  const client = localClient(endpoint);
  return {
    putRecords: (stream, records) => client.send(new PutRecordsCommand({ StreamName: stream, Records: records })),
    close: () => client.destroy(),
  };
});
