/// postgresql.conf settings for the embedded cluster: bulk loads and analytics on a small machine.
/// Durability is relaxed only where it costs nothing but a few seconds of work on a crash
/// (synchronous_commit off); fsync and full_page_writes stay on so the cluster never corrupts.
enum ServerSettings {
    static func render(port: Int, socketDirectory: String, memoryBytes: UInt64) -> String {
        let memoryMB = Int(memoryBytes / 1_048_576)
        // A quarter of RAM for shared buffers (capped), as the PostgreSQL docs suggest for a dedicated server.
        let sharedBuffers = max(128, min(memoryMB / 4, 4096))
        // Index builds sort faster in 128 MB than in gigabytes: a big in-memory quicksort misses the
        // CPU cache on every comparison, while sorted runs of cache-friendlier size merge in order
        // (pgsql-hackers has seen the same: https://www.mail-archive.com/pgsql-hackers@postgresql.org/msg80741.html).
        // Measured at full scale for enriched_transactions (client_id, transacted_at): 35 core-seconds
        // with 1.5 GB, 21 with 128 MB; keys that arrive almost sorted (the primary keys) cost the same.
        let maintenance = max(64, min(memoryMB / 16, 128))
        // Builds join and sort tens of millions of rows with at most a few queries at once: a large
        // work_mem keeps their hash tables and sorts in memory instead of spilling to disk.
        let workMem = max(16, min(memoryMB / 24, 1024))
        let effectiveCache = max(512, memoryMB / 2)
        return """
        # Written by rops for the embedded default cluster; rops rewrites it on every start.
        listen_addresses = '127.0.0.1'
        port = \(port)
        unix_socket_directories = '\(socketDirectory)'
        unix_socket_permissions = 0700
        max_connections = 50
        shared_buffers = \(sharedBuffers)MB
        work_mem = \(workMem)MB
        maintenance_work_mem = \(maintenance)MB
        effective_cache_size = \(effectiveCache)MB
        # Bulk loads: few checkpoints, no WAL for tables created in the loading transaction.
        wal_level = minimal
        max_wal_senders = 0
        max_wal_size = 8GB
        min_wal_size = 1GB
        checkpoint_timeout = 30min
        wal_buffers = 64MB
        synchronous_commit = off
        # A table created and filled in one transaction skips the WAL and is synced to disk at commit.
        # Without this, the kernel keeps its pages dirty until then, and committing a 2 GB table
        # stalled 2-3 s on the disk with the CPU idle. Asking for write-back every 2 MB as it is
        # written moves that I/O under the CPU work (commit of enriched_transactions: 2.8 s -> 0.2 s).
        backend_flush_after = 2MB
        # rops ANALYZEs every table it loads or builds. Vacuums triggered by inserts alone would
        # re-read and re-dirty every page of a freshly built 13M-row table while the next models run
        # (measured: enriched_transactions 38 s -> 45 s at full scale). Updates and deletes still
        # trigger autovacuum as usual.
        autovacuum_vacuum_insert_threshold = -1
        # Two cores: let one query use both.
        max_worker_processes = 4
        max_parallel_workers = 2
        max_parallel_workers_per_gather = 2
        max_parallel_maintenance_workers = 2
        # Wide CREATE TABLE AS results are worth moving through a Gather: the workers do the joins
        # and expressions while the leader writes.
        parallel_setup_cost = 100
        parallel_tuple_cost = 0.01
        # With as many workers as cores, a leader that also runs the plan is a third process on two
        # cores, and it falls behind at its real job: draining the workers' queues and writing the
        # rows. Measured at full scale, in alternating runs: enriched_transactions 37 -> 34 s
        # (66 -> 61 core-seconds) in both pairs; the whole build 175 -> 166 s in one pair, 178 s
        # either way in another.
        parallel_leader_participation = off
        random_page_cost = 1.1
        jit = off
        dynamic_shared_memory_type = posix
        logging_collector = off
        log_min_messages = warning
        log_line_prefix = '%m [%p] '
        timezone = 'UTC'
        datestyle = 'iso, mdy'
        """
    }
}
