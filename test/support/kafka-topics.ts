/**
 * Creating test topics with kafkajs's admin and waiting for their leaders. kafkajs's own `waitForLeaders` gives up
 * on the "This server does not host this topic-partition" a loaded broker answers right after the creation (seen
 * in CI); this waits through it, as Sluice's admin adapter does.
 */
import type { Admin, ITopicConfig } from 'kafkajs';

export async function createTopicsReady(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const md = await admin.fetchTopicMetadata({ topics: names });
      if (md.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable !== true) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
