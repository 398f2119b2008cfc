/** The version datagen reports (Sluice's). */
export const DATAGEN_VERSION = '0.1.0';
