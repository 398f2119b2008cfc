/** The version the file connectors report (Sluice's). */
export const FILE_CONNECTORS_VERSION = '0.1.0';
