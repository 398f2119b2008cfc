/** Picks the storage backend from `storage.class` and the URL scheme. */
import { ConfigException } from '../../api/index.js';
import { LocalStorage } from './local.js';
import { defaultHdfsUser, WebHdfsStorage, webHdfsEndpoints } from './webhdfs.js';
import type { Storage } from './storage.js';

export * from './storage.js';
export { LocalStorage } from './local.js';
export { WebHdfsStorage, webHdfsEndpoints, readHadoopSite, defaultHdfsUser } from './webhdfs.js';

/** Confluent's default: the scheme of the URL decides (HdfsStorage is Hadoop's FileSystem, any scheme). */
export const HDFS_STORAGE_CLASS = 'io.confluent.connect.hdfs.storage.HdfsStorage';
export const LOCAL_STORAGE_CLASS = 'io.sluice.connect.hdfs.storage.LocalStorage';
export const WEBHDFS_STORAGE_CLASS = 'io.sluice.connect.hdfs.storage.WebHdfsStorage';

export const STORAGE_CLASSES = [HDFS_STORAGE_CLASS, LOCAL_STORAGE_CLASS, WEBHDFS_STORAGE_CLASS, 'LocalStorage', 'WebHdfsStorage', 'HdfsStorage'];

export interface StorageSettings {
  readonly url: string;
  readonly storageClass: string;
  readonly hadoopConfDir: string;
  /** WebHDFS user; default HADOOP_USER_NAME or the OS user. */
  readonly user?: string;
  readonly webhdfsChunkBytes?: number;
}

export function storageKind(url: string, storageClass: string): 'local' | 'webhdfs' {
  const cls = storageClass.trim();
  if (cls === LOCAL_STORAGE_CLASS || cls === 'LocalStorage') return 'local';
  if (cls === WEBHDFS_STORAGE_CLASS || cls === 'WebHdfsStorage') return 'webhdfs';
  if (cls !== HDFS_STORAGE_CLASS && cls !== 'HdfsStorage') {
    throw new ConfigException('storage.class', storageClass, `unknown storage class; use one of ${HDFS_STORAGE_CLASS} (by URL scheme), ${LOCAL_STORAGE_CLASS}, ${WEBHDFS_STORAGE_CLASS}`);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') return 'local';
  if (['hdfs', 'webhdfs', 'swebhdfs', 'http', 'https'].includes(scheme)) return 'webhdfs';
  throw new ConfigException('hdfs.url', url, `unsupported filesystem scheme '${scheme}': use file:///…, hdfs://…, webhdfs://… or http(s)://…`);
}

export function createStorage(s: StorageSettings): Storage {
  if (storageKind(s.url, s.storageClass) === 'local') {
    return new LocalStorage(s.url);
  }
  const { httpBases, basePath } = webHdfsEndpoints(s.url, s.hadoopConfDir);
  return new WebHdfsStorage({
    url: s.url,
    httpBases,
    basePath,
    user: s.user || defaultHdfsUser(),
    ...(s.webhdfsChunkBytes ? { chunkBytes: s.webhdfsChunkBytes } : {}),
  });
}
