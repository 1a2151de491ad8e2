// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title EvidenceLedger
 * @notice A permissionless, append-only registry of Merkle batch roots. Each operator
 * (`msg.sender`) keeps its own log of batches that cover consecutive record sequence numbers
 * with no gap and no overlap, so a verifier can prove both that a record existed no later than
 * a block and that nothing before it in the operator's sequence was removed.
 *
 * There is no owner, no pause and no upgrade path: the registry is a witness that nobody,
 * including its deployer, can rewrite.
 *
 * Head chain, recomputable off-chain from `batchOf` alone (all integers big-endian):
 *   head_0     = 0x00…00 (32 zero bytes)
 *   head_{i+1} = sha256(head_i ‖ root ‖ uint64 firstSeq ‖ uint64 count
 *                       ‖ uint64 timestamp ‖ uint64 blockNumber)      (128 bytes in)
 * where root … blockNumber are those of batch i.
 *
 * Merkle trees are RFC 6962 / RFC 9162 with SHA-256: leaf = sha256(0x00 ‖ data),
 * node = sha256(0x01 ‖ left ‖ right).
 */
contract EvidenceLedger {
    struct Batch {
        bytes32 root;
        uint64 firstSeq;
        uint64 count;
        uint64 timestamp;
        uint64 blockNumber;
    }

    mapping(address operator => Batch[]) private _batches;
    mapping(address operator => uint64) private _nextSeq;
    mapping(address operator => bytes32) private _head;

    /**
     * @notice Emitted when an operator appended a batch to its log.
     * @param operator The address that anchored the batch.
     * @param batchIndex Position of the batch in the operator's log, from 0.
     * @param root RFC 6962 Merkle root of the batch's records.
     * @param firstSeq Sequence number of the batch's first record.
     * @param count Number of records in the batch.
     * @param head The operator's head after this batch.
     */
    event BatchAnchored(
        address indexed operator,
        uint256 indexed batchIndex,
        bytes32 root,
        uint64 firstSeq,
        uint64 count,
        bytes32 head
    );

    /// @notice The root was zero, which no Merkle tree of records produces.
    error EvidenceLedgerZeroRoot();

    /// @notice A batch must hold at least one record.
    error EvidenceLedgerZeroCount();

    /**
     * @notice The batch does not start where the operator's log ends (a gap or an overlap).
     * @param operator The caller.
     * @param expected The operator's next sequence number.
     * @param given The `firstSeq` that was passed.
     */
    error EvidenceLedgerSequenceMismatch(address operator, uint64 expected, uint64 given);

    /**
     * @notice `firstSeq + count` does not fit in 64 bits.
     * @param firstSeq The `firstSeq` that was passed.
     * @param count The `count` that was passed.
     */
    error EvidenceLedgerSequenceOverflow(uint64 firstSeq, uint64 count);

    /**
     * @notice No batch with this index exists for this operator.
     * @param operator The operator asked about.
     * @param batchIndex The index asked for.
     */
    error EvidenceLedgerUnknownBatch(address operator, uint256 batchIndex);

    /**
     * @notice Appends a batch covering `[firstSeq, firstSeq + count)` to the caller's log.
     * @dev Reverts unless `firstSeq == nextSeqOf(msg.sender)`: this is what makes anchoring
     * idempotent for a crashed operator, which can read `nextSeqOf` to learn what landed.
     * @param root RFC 6962 Merkle root of the batch's canonical records, in sequence order.
     * @param firstSeq Sequence number of the first record in the batch.
     * @param count Number of records in the batch (the tree size).
     * @return batchIndex Index of the new batch in the caller's log.
     */
    function anchor(bytes32 root, uint64 firstSeq, uint64 count) external returns (uint256 batchIndex) {
        if (root == bytes32(0)) revert EvidenceLedgerZeroRoot();
        if (count == 0) revert EvidenceLedgerZeroCount();
        uint64 expected = _nextSeq[msg.sender];
        if (firstSeq != expected) revert EvidenceLedgerSequenceMismatch(msg.sender, expected, firstSeq);
        if (count > type(uint64).max - firstSeq) revert EvidenceLedgerSequenceOverflow(firstSeq, count);

        Batch memory batch = Batch({
            root: root,
            firstSeq: firstSeq,
            count: count,
            timestamp: uint64(block.timestamp),
            blockNumber: uint64(block.number)
        });
        Batch[] storage log = _batches[msg.sender];
        batchIndex = log.length;
        log.push(batch);
        _nextSeq[msg.sender] = firstSeq + count;
        bytes32 head = sha256(
            abi.encodePacked(_head[msg.sender], root, firstSeq, count, batch.timestamp, batch.blockNumber)
        );
        _head[msg.sender] = head;
        emit BatchAnchored(msg.sender, batchIndex, root, firstSeq, count, head);
    }

    /**
     * @notice Returns one batch of an operator's log.
     * @param operator The operator whose log is read.
     * @param batchIndex Index of the batch, from 0.
     * @return root Merkle root of the batch.
     * @return firstSeq Sequence number of the batch's first record.
     * @return count Number of records in the batch.
     * @return timestamp Timestamp of the block that anchored the batch.
     * @return blockNumber Number of the block that anchored the batch.
     */
    function batchOf(
        address operator,
        uint256 batchIndex
    ) external view returns (bytes32 root, uint64 firstSeq, uint64 count, uint64 timestamp, uint64 blockNumber) {
        Batch[] storage log = _batches[operator];
        if (batchIndex >= log.length) revert EvidenceLedgerUnknownBatch(operator, batchIndex);
        Batch storage batch = log[batchIndex];
        return (batch.root, batch.firstSeq, batch.count, batch.timestamp, batch.blockNumber);
    }

    /**
     * @notice Number of batches an operator has anchored.
     * @param operator The operator whose log is read.
     * @return The length of the operator's log.
     */
    function batchCountOf(address operator) external view returns (uint256) {
        return _batches[operator].length;
    }

    /**
     * @notice The sequence number the operator's next batch must start at.
     * @param operator The operator whose log is read.
     * @return The total number of records the operator has anchored.
     */
    function nextSeqOf(address operator) external view returns (uint64) {
        return _nextSeq[operator];
    }

    /**
     * @notice The operator's head: a hash chain over all its batches (see the contract doc).
     * @param operator The operator whose log is read.
     * @return The current head, or zero before the first batch.
     */
    function headOf(address operator) external view returns (bytes32) {
        return _head[operator];
    }

    /**
     * @notice Verifies an RFC 9162 §2.1.3.2 inclusion proof.
     * @param leafHash sha256(0x00 ‖ leaf data).
     * @param leafIndex Index of the leaf in the tree, from 0.
     * @param treeSize Number of leaves in the tree.
     * @param auditPath Sibling hashes from the leaf up to the root.
     * @param root The expected root.
     * @return True when the path leads from the leaf to `root` in a tree of `treeSize` leaves.
     */
    function verifyInclusion(
        bytes32 leafHash,
        uint256 leafIndex,
        uint256 treeSize,
        bytes32[] calldata auditPath,
        bytes32 root
    ) external pure returns (bool) {
        if (leafIndex >= treeSize) return false;
        uint256 fn = leafIndex;
        uint256 sn = treeSize - 1;
        bytes32 r = leafHash;
        for (uint256 i = 0; i < auditPath.length; ++i) {
            if (sn == 0) return false;
            bytes32 p = auditPath[i];
            if (fn & 1 == 1 || fn == sn) {
                r = _hashNode(p, r);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = _hashNode(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    function _hashNode(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }
}
