package dev.sluice.hdfs;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Starts a one-NameNode, one-DataNode MiniDFSCluster with WebHDFS on 127.0.0.1 and prints one line
 * {@code READY http=<port> rpc=<port>} (also written to {@code <baseDir>/ports} atomically), then
 * runs until stdin reaches EOF or the JVM gets SIGTERM; the cluster is shut down either way.
 *
 * <p>Usage: {@code java -cp ... dev.sluice.hdfs.MiniHdfs <baseDir> [httpPort] [rpcPort]} (ports 0 = any free).
 */
public final class MiniHdfs {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: MiniHdfs <baseDir> [httpPort] [rpcPort]");
      System.exit(2);
    }
    File base = new File(args[0]).getAbsoluteFile();
    int httpPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int rpcPort = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    base.mkdirs();

    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "data").getAbsolutePath());
    conf.set("hadoop.tmp.dir", new File(base, "tmp").getAbsolutePath());
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.set("dfs.namenode.http-address", "127.0.0.1:" + httpPort);
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:" + rpcPort);
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.setInt("dfs.replication", 1);
    // Small blocks are fine for tests; keep the default block size so files stay in one block.
    conf.setBoolean("dfs.support.append", true);
    // A client killed mid-append leaves a lease behind: recover it quickly so tests do not wait a minute.
    conf.setLong("dfs.namenode.lease-recheck-interval-ms", 1000L);

    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
        .numDataNodes(1)
        .nameNodeHttpPort(httpPort)
        .nameNodePort(rpcPort)
        .format(true)
        .build();
    cluster.waitActive();

    Runnable stop = () -> {
      try {
        cluster.shutdown(true);
      } catch (Throwable t) {
        t.printStackTrace();
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "minihdfs-shutdown"));

    int http = cluster.getNameNode().getHttpAddress().getPort();
    int rpc = cluster.getNameNodePort();
    String line = "READY http=" + http + " rpc=" + rpc;
    Path portsTmp = base.toPath().resolve("ports.tmp");
    Files.write(portsTmp, (line + "\n").getBytes(StandardCharsets.UTF_8));
    Files.move(portsTmp, base.toPath().resolve("ports"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println(line);
    System.out.flush();

    InputStream in = System.in;
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // keep running until stdin closes
      }
    } catch (Exception e) {
      // stdin gone: stop
    }
    System.exit(0);
  }
}
