/** The version the HDFS sink reports (Sluice's). */
export const HDFS_CONNECTOR_VERSION = '0.1.0';
