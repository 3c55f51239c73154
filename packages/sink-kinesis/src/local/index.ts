export {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalKinesisOptions,
  type LocalStreamSpec,
  startLocalKinesis,
} from './localKinesis.js';
