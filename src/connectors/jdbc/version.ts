/** Version reported by the JDBC connectors (the Confluent line whose behaviour they follow, plus ours). */
export const JDBC_VERSION = '10.8.0-sluice.1';
