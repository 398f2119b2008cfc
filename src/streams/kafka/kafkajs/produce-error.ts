/** The error of a producer send (both kafkajs-adapter producers). */
export class KafkaProduceError extends Error {
  override readonly name = 'KafkaProduceError';
  constructor(
    message: string,
    readonly topics: readonly string[],
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
