/** Reported as the plugin's and every connector's and task's version. */
export const VERSION = '0.1.0';
