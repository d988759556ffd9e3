//! The allocator of every binary built on this crate (the server, its tests
//! and benchmarks): jemalloc, not the system's malloc.
//!
//! glibc raises its mmap threshold to the size of a freed argon2 block
//! (`argon2.memory_kib`, 19 MiB shipped) and from then on keeps such blocks in
//! its per-thread arenas: resident memory grew with every thread that had
//! hashed and never came back down (547 MiB after 2 threads × 10 hashes;
//! 113 MiB idle after start-up). jemalloc gives them back:
//! - `background_thread`: a thread of its own returns freed memory on time,
//!   also when the server is idle and nothing else calls the allocator;
//! - `dirty_decay_ms:1000`: a freed block is kept for a second, so the
//!   hashing threads reuse theirs under load instead of faulting 19 MiB of
//!   fresh pages in for every hash, and it is given back a second after;
//! - `muzzy_decay_ms:0`: given back means gone from the resident set.
//!
//! docs/benchmarks.md, "Memory", has the figures before and after.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Read by jemalloc when it starts (its `malloc_conf`; this build prefixes
/// jemalloc's symbols with `_rjem_`). `_RJEM_MALLOC_CONF` in the environment
/// still overrides it, for an operator's experiment.
#[used]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &[u8; 60] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";
