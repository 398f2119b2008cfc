/** The kafkajs adapter of the client port (kafkajs/ holds it, one module per client role). */
export { createKafkajsClient, type KafkajsClientOptions } from './kafkajs/client.js';
export { toBuffer } from './kafkajs/convert.js';
export { chunkByBytes } from './kafkajs/producer.js';
