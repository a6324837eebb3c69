package io.tidewater.gateway;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tidewater.lifecycle.influx.InfluxConnection.AnswerFormat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's configuration (prefix {@code tidewater}); defaults are in application.properties.
 */
@ConfigMapping(prefix = "tidewater")
public interface TidewaterConfig {

  Influx influx();

  Lake lake();

  Policies policies();

  Export export();

  Catalog catalog();

  Query query();

  Cdc cdc();

  Auth auth();

  /** Who may call the gateway. */
  interface Auth {
    /**
     * Require a token on every request but the health probes. {@code false} lets anyone who reaches
     * the port read, write and run jobs (logged as a warning at every start).
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The token file (YAML: names, salted hashes and scopes; README "Security"), read again when it
     * changes. Required while auth is enabled: without it the gateway does not start.
     */
    Optional<Path> tokensFile();
  }

  /** The write targets and their durable change log. */
  interface Cdc {
    /** Where accepted writes are logged before they are acknowledged. */
    @WithDefault("cdc-log")
    Path logDir();

    /** A log segment is closed and a new one started past this size ({@code 64M}, or bytes). */
    @WithDefault("64M")
    MemorySize segmentBytes();

    /**
     * Writes are refused (507) while the log's disk has less free space than this ({@code 256M}, or
     * bytes).
     */
    @WithDefault("256M")
    MemorySize diskReserveBytes();

    /**
     * How often settled dirty windows are re-exported (Quarkus {@code every} syntax: {@code 10s},
     * {@code 1m}; {@code off} stops it).
     */
    @WithDefault("10s")
    String repairInterval();

    /**
     * The longest a dirty window waits for its repair while writes keep arriving more often than
     * its policy's settle delay (each write would otherwise put the repair off again).
     */
    @WithDefault("PT1H")
    Duration maxDeferral();

    /**
     * How far after the gateway's clock a written point may lie; later points are refused per line
     * (400, the other lines kept): a window that far ahead would not be due, and so not replaced by
     * the export, for as long.
     */
    @WithDefault("P7D")
    Duration maxFuture();

    /**
     * Threads that accept writes (parse, log with fsync, mark), apart from those SQL statements run
     * on.
     */
    @WithDefault("8")
    int writeThreads();

    /** Writes that may wait for a write thread; past it a write is refused with 429. */
    @WithDefault("256")
    int writeQueue();

    /**
     * How often InfluxDB's values per window are compared with the lake's, to find writes the write
     * targets never received (the gateway was down); {@code off} stops it.
     */
    @WithDefault("1h")
    String reconcileInterval();
  }

  /** Limits and caching of federated SQL. */
  interface Query {
    /** The most rows one query may return; a request may ask for fewer with maxRows. */
    @WithDefault("1000000")
    long maxRows();

    /** How long one query may run before it is stopped. */
    @WithDefault("PT60S")
    Duration timeout();

    /**
     * How long databases, measurements, columns and the ledger's windows are remembered between
     * queries.
     */
    @WithDefault("PT5S")
    Duration metadataTtl();

    /**
     * How long planning waits for each of InfluxDB's metadata answers (SHOW DATABASES/MEASUREMENTS/
     * TAG KEYS/FIELD KEYS; a measurement's columns take two); past it, and for as long again, it
     * goes on with what InfluxDB last answered and the lake, so a stalled InfluxDB does not hold
     * queries the lake can answer. Must be longer than zero.
     */
    @WithDefault("PT5S")
    Duration metadataLimit();

    Cache cache();

    /** How many statements run at once; default twice the processors. */
    Optional<Integer> maxConcurrent();

    /**
     * How many statements wait for a turn (429 TOO_BUSY beyond); default four times max-concurrent.
     */
    Optional<Integer> maxQueued();

    /** How long a statement waits for a turn before it gets 429 TOO_BUSY. */
    @WithDefault("PT10S")
    Duration queueTimeout();

    /**
     * What one statement may keep of rows in its joins' build sides, sorts, windows and distinct
     * unions (estimated from the rows' types); RESOURCE_EXHAUSTED beyond. Default an eighth of the
     * heap, at most 1G.
     */
    Optional<MemorySize> maxMemory();

    /** The longest SQL text accepted, in characters (texts are cache keys). */
    @WithDefault("131072")
    int maxSqlLength();

    /** The result cache. */
    interface Cache {
      /** How many results are kept (0 turns the cache off). */
      @WithDefault("1000")
      int maxEntries();

      /** Results with more rows are not kept. */
      @WithDefault("10000")
      int maxRows();

      /** How long a result InfluxDB answered part of is reused. */
      @WithDefault("PT30S")
      Duration influxTtl();

      /**
       * How long a result only the lake answered is reused (export commits and tier moves
       * invalidate it sooner).
       */
      @WithDefault("PT10M")
      Duration lakeTtl();

      /** Results reading InfluxDB closer to now than this are never kept. */
      @WithDefault("PT5M")
      Duration freshMargin();

      /** The most the kept results weigh in all (their rows' estimated heap size). */
      @WithDefault("64M")
      MemorySize maxBytes();
    }
  }

  /** Table registration for engines that read the lake (Athena, Trino, Spark). */
  interface Catalog {
    Glue glue();

    /** AWS Glue: a database per InfluxDB database, a table per measurement and resolution. */
    interface Glue {
      /** Register every committed window in Glue (needs an s3:// lake). */
      @WithDefault("false")
      boolean enabled();

      /** Prepended to Glue database names, e.g. {@code tidewater_}; default none. */
      Optional<String> databasePrefix();

      /** A Glue endpoint other than AWS's (tests, VPC endpoints). */
      Optional<URI> endpoint();

      /** Default: the AWS default region chain. */
      Optional<String> region();
    }
  }

  /** The InfluxDB the gateway exports from and queries. */
  interface Influx {
    /** Base URL of InfluxDB's HTTP API (1.x, or 2.x/3.x through their v1 API). */
    URI url();

    /** API token (InfluxDB 2.x/3.x). */
    Optional<String> token();

    /** With {@code password}: basic authentication (InfluxDB 1.x). */
    Optional<String> username();

    Optional<String> password();

    /** Rows per chunk of streamed query answers. */
    @WithDefault("10000")
    int chunkSize();

    /** Longest a single query may take. */
    @WithDefault("PT10M")
    Duration timeout();

    /** Longest InfluxDB may send nothing during a query before it is stopped as stalled. */
    @WithDefault("PT2M")
    Duration silence();

    /**
     * Answer encoding to ask for: msgpack (cheaper; InfluxDB falls back to JSON if it cannot) or
     * json.
     */
    @WithDefault("msgpack")
    AnswerFormat format();
  }

  /** The tiering policies. */
  interface Policies {
    /**
     * Folder of policy files ({@code *.yaml}, {@code *.yml}), loaded at start-up; any invalid
     * policy stops start-up. Unset: no policies, so nothing is exported.
     */
    Optional<Path> folder();
  }

  /** The data lake. */
  interface Lake {
    /**
     * {@code file:<folder>}, {@code s3://bucket/prefix} or {@code
     * abfss://filesystem@account.dfs.core.windows.net/prefix}.
     */
    @WithDefault("file:lake")
    String uri();

    S3 s3();

    Azure azure();

    /** S3 settings beyond the URI; credentials default to the AWS default provider chain. */
    interface S3 {
      /** An S3-compatible endpoint (MinIO, s3proxy); unset for AWS. */
      Optional<URI> endpoint();

      @WithDefault("false")
      boolean pathStyle();

      Optional<String> region();

      Optional<String> accessKey();

      Optional<String> secretKey();
    }

    /** Azure settings beyond the URI: one of a connection string, an account key or a SAS token. */
    interface Azure {
      /** The Blob endpoint when not {@code https://<account>.blob.core.windows.net} (Azurite). */
      Optional<URI> blobEndpoint();

      Optional<String> connectionString();

      Optional<String> accountKey();

      Optional<String> sasToken();
    }
  }

  /** The export jobs. */
  interface Export {
    /** Run each policy's export on its cron schedule. */
    @WithDefault("true")
    boolean scheduled();

    /** Attempts per window before it is reported as failed. */
    @WithDefault("3")
    int attempts();

    /** Wait before the second attempt; doubled for each further one. */
    @WithDefault("PT5S")
    Duration backoff();

    /** Where Parquet files are staged before upload; default: the system's temporary folder. */
    Optional<Path> tempDir();

    /**
     * How long a gateway's lease on a policy lasts (renewed while it works): gateways sharing a
     * lake export each policy one at a time, and a dead gateway's policies are taken over after
     * this.
     */
    @WithDefault("PT10M")
    Duration leaseTtl();

    /**
     * This gateway's name in leases; default: host name and HTTP port, stable across restarts (a
     * restarted gateway takes over its own leases at once). Must differ between gateways sharing a
     * lake.
     */
    Optional<String> gatewayId();
  }
}
