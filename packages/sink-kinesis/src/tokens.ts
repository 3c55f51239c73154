/**
 * Injection tokens of the kinesis sink. Register one in the container given to `Pipeline.build` to override it.
 */
export const KinesisTokens = {
  /**
   * An AWS credentials provider (`() => Promise<{ accessKeyId, secretAccessKey, sessionToken? }>`) used when the
   * sink's options give no static `credentials`; without either, the AWS default provider chain.
   */
  Credentials: Symbol.for('offloader.kinesis.Credentials'),
} as const;
