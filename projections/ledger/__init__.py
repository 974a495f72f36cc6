"""The audit ledger: an RFC 6962 Merkle tree over the event log, kept as a projection
(`projection`), signed checkpoints in the C2SP signed-note form (`notes`, `checkpoints`, key
files in `keys`), proofs for third parties (`proofs`), verification of the log against all of
it (`verify`), and audit bundles with their offline check (`bundle`). Nothing outside this
package computes a Merkle hash or signs a note."""
