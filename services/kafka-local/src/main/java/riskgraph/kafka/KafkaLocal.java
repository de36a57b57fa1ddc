package riskgraph.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Runs a single-node Apache Kafka in KRaft mode (broker and controller in one process) on 127.0.0.1.
 *
 * Usage: KafkaLocal HOME_DIR PORT CONTROLLER_PORT
 * Writes HOME_DIR/server.properties on every start (so a changed port applies), formats the log
 * directory with Kafka's StorageTool in its own JVM the first time (StorageTool ends with
 * System.exit, and formatting must finish before the broker reads the directory), then runs the
 * broker. Prints "RISKGRAPH-KAFKA-READY" once the broker answers a metadata request; SIGTERM runs
 * Kafka's own shutdown hook (a clean shutdown: the next start needs no log recovery).
 */
public final class KafkaLocal {
    private static final String READY = "RISKGRAPH-KAFKA-READY";

    private KafkaLocal() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaLocal HOME_DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Path logDir = home.resolve("data");
        Files.createDirectories(logDir);
        Path config = home.resolve("server.properties");
        writeConfig(config, logDir, port, controllerPort);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config);
        }

        Thread broker = new Thread(() -> kafka.Kafka.main(new String[] {config.toString()}), "riskgraph-kafka");
        broker.start();
        awaitReady(port, broker);
        System.out.println(READY + " 127.0.0.1:" + port);
        System.out.flush();
        broker.join();
    }

    private static void writeConfig(Path config, Path logDir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "4");
        // One node: every internal topic has one replica, and a consumer group need not wait
        // for more members before its first rebalance.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        // A development broker on a small machine: the defaults (3 network, 8 I/O, 10 background
        // threads) only add context switches when two cores serve thousands of small requests/s.
        p.setProperty("num.network.threads", "1");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        // The log cleaner's offset map lives on the heap (128 MiB by default: a quarter of the
        // local broker's heap, held for good); a development broker's compacted topics are small.
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // Small segments keep a development store small.
        p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        Path tmp = config.resolveSibling(config.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "written by riskgraph KafkaLocal on every start");
        }
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** kafka-storage format, in a child JVM with this JVM's java binary and class path. */
    private static void format(Path config) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString(), "--ignore-formatted"));
        Process proc = new ProcessBuilder(cmd).inheritIO().start();
        int rc = proc.waitFor();
        if (rc != 0) {
            System.err.println("kafka StorageTool format failed with exit code " + rc);
            System.exit(1);
        }
    }

    /** Wait until the broker answers describeCluster; exit if the broker thread died first. */
    private static void awaitReady(int port, Thread broker) throws InterruptedException {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            while (broker.isAlive()) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    Thread.sleep(200);
                }
            }
        }
        System.err.println("kafka broker stopped during start-up");
        System.exit(1);
    }
}
