// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title livegate payment channels
/// @notice Unidirectional ETH channels paying a streaming server (the payee)
/// by cumulative EIP-712 vouchers signed by a session key (the signer).
/// A funder deposits for a signer, possibly someone else's: an organizer
/// prefunds viewers. The payee claims the best voucher at any time before
/// expiry, as often as it likes; each claim pays the increase over the
/// last one and the channel stays open. Only after expiry can the funder
/// take back what was not claimed.
contract Channels is EIP712, ReentrancyGuardTransient {
    /// @dev Packed into four slots; deposit and claimed share one, so a
    /// claim writes a single slot that is never zero.
    struct Channel {
        address funder;
        address signer;
        uint64 expiry; // unix seconds; claims stop, reclaim opens
        address payee;
        uint128 deposit; // everything paid in
        uint128 claimed; // everything paid out to the payee, or back to the funder
    }

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint256 amount)");

    mapping(bytes32 => Channel) private _channels;
    mapping(address => uint256) public openedBy; // channels per funder, to derive channel ids

    event Opened(
        bytes32 indexed channelId,
        address indexed funder,
        address indexed payee,
        address signer,
        uint64 expiry,
        uint256 deposit
    );
    event ToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);
    event Extended(bytes32 indexed channelId, uint64 expiry);
    event Claimed(bytes32 indexed channelId, uint256 amount, uint256 paid);
    event Reclaimed(bytes32 indexed channelId, uint256 refund);

    error UnknownChannel();
    error NotFunder();
    error NotPayee();
    error ZeroAddress();
    error ZeroDeposit();
    error DepositTooLarge();
    error ExpiryNotLater();
    error ChannelExpired();
    error ChannelNotExpired();
    error AboveDeposit(uint256 amount, uint256 deposit);
    error NothingToClaim(uint256 amount, uint256 claimed);
    error WrongSigner(address recovered);
    error TransferFailed();

    constructor() EIP712("livegate", "1") {}

    /// @notice Opens a channel paying `payee` on vouchers signed by `signer`,
    /// funded with msg.value, until `expiry`.
    function open(address signer, address payee, uint64 expiry) external payable returns (bytes32 channelId) {
        if (signer == address(0) || payee == address(0)) revert ZeroAddress();
        if (msg.value == 0) revert ZeroDeposit();
        if (msg.value > type(uint128).max) revert DepositTooLarge();
        if (expiry <= block.timestamp) revert ExpiryNotLater();
        channelId = keccak256(abi.encode(block.chainid, address(this), msg.sender, openedBy[msg.sender]++));
        _channels[channelId] = Channel({
            funder: msg.sender,
            signer: signer,
            expiry: expiry,
            payee: payee,
            deposit: uint128(msg.value),
            claimed: 0
        });
        emit Opened(channelId, msg.sender, payee, signer, expiry, msg.value);
    }

    /// @notice Adds msg.value to a live channel. Funder only.
    function topUp(bytes32 channelId) external payable {
        Channel storage c = _funded(channelId);
        if (block.timestamp >= c.expiry) revert ChannelExpired();
        if (msg.value == 0) revert ZeroDeposit();
        uint256 deposit = uint256(c.deposit) + msg.value;
        if (deposit > type(uint128).max) revert DepositTooLarge();
        c.deposit = uint128(deposit);
        emit ToppedUp(channelId, msg.value, deposit);
    }

    /// @notice Moves the expiry later, while the channel is live. Funder only.
    /// An expired channel stays closed: after a reclaim, reopening it
    /// would revive a channel whose accounting everyone has settled.
    function extend(bytes32 channelId, uint64 expiry) external {
        Channel storage c = _funded(channelId);
        if (block.timestamp >= c.expiry) revert ChannelExpired();
        if (expiry <= c.expiry) revert ExpiryNotLater();
        c.expiry = expiry;
        emit Extended(channelId, expiry);
    }

    /// @notice Pays the payee the increase of `amount`, a cumulative voucher
    /// signed by the channel's signer, over what was claimed before.
    function claim(bytes32 channelId, uint256 amount, bytes calldata signature) external nonReentrant {
        Channel storage c = _channels[channelId];
        address payee = c.payee;
        if (payee == address(0)) revert UnknownChannel();
        if (msg.sender != payee) revert NotPayee();
        if (block.timestamp >= c.expiry) revert ChannelExpired();
        uint256 deposit = c.deposit;
        uint256 claimed = c.claimed;
        if (amount > deposit) revert AboveDeposit(amount, deposit);
        if (amount <= claimed) revert NothingToClaim(amount, claimed);
        address recovered = ECDSA.recover(voucherDigest(channelId, amount), signature);
        if (recovered != c.signer) revert WrongSigner(recovered);
        c.claimed = uint128(amount);
        uint256 paid = amount - claimed;
        emit Claimed(channelId, amount, paid);
        (bool ok,) = payee.call{value: paid}("");
        if (!ok) revert TransferFailed();
    }

    /// @notice Returns what the payee did not claim to the funder, once the
    /// channel has expired. Funder only.
    function reclaim(bytes32 channelId) external nonReentrant {
        Channel storage c = _funded(channelId);
        if (block.timestamp < c.expiry) revert ChannelNotExpired();
        uint256 refund = uint256(c.deposit) - c.claimed;
        c.claimed = c.deposit;
        emit Reclaimed(channelId, refund);
        if (refund > 0) {
            (bool ok,) = msg.sender.call{value: refund}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice The channel's state; a zero payee means no such channel.
    function channel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// @notice The EIP-712 digest a signer signs for a voucher.
    function voucherDigest(bytes32 channelId, uint256 amount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, amount)));
    }

    function _funded(bytes32 channelId) private view returns (Channel storage c) {
        c = _channels[channelId];
        if (c.payee == address(0)) revert UnknownChannel();
        if (msg.sender != c.funder) revert NotFunder();
    }
}
