//! mpgd's integration tests: one binary, one module per area.

mod util;

// Every design in the shared folder reads with the counts of MANIFEST.md / stats.json.
mod stats;
// Bad input and bad flags: one line, exit 1, nothing written.
mod errors;
// read -> write -> read gives an identical design; tiling keeps counts consistent.
mod roundtrip;
// Truncated and mutated designs never panic and errors point inside the file.
mod mutation;
// Feature maps of real designs: sums and ranges, thread-count determinism, `mpgd features`.
mod features;
// `mpgd route` from the outside: JSON fields, guides, maps, steering, bad flags.
mod route;
// `mpgd dataset`: Parquet columns, label definitions, determinism, bad configs.
mod dataset;
// Steering: legaliser, checker, prior, `mpgd compare`.
mod steer;
// `mpgd dataset --shard I/N` and `--merge`: byte-identical to one process; bad shards refused.
mod shard;
// Inference with the shipped model and `mpgd predict`: parity with Python, errors.
mod model;
// The Tcl extension in tclsh8.6: golden logs, recorded OpenROAD commands, errors, the A/B flow.
mod tcl;
