// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title livegate payment channels
/// @notice Unidirectional channels paying a streaming server (the payee)
/// by cumulative EIP-712 vouchers signed by a session key (the signer),
/// in ETH or in one ERC-20 token named at opening (organizers price
/// tickets in dollars: a stablecoin). A funder deposits for a signer,
/// possibly someone else's: an organizer prefunds viewers, many at once
/// with openMany. The payee claims the best voucher at any time before
/// expiry, as often as it likes, one channel or a batch (claimMany); each
/// claim pays the increase over the last one and the channel stays open.
/// Only after expiry can the funder take back what was not claimed.
///
/// A voucher names only the channel id; the id is unique to this contract
/// and chain (it hashes both, and the EIP-712 domain binds them again) and
/// a channel's token never changes, so a voucher pays in that channel's
/// token and no other: the voucher type is the same for ETH and tokens.
///
/// Fee-on-transfer tokens are refused: a deposit must arrive whole
/// (measured by the contract's balance), or the vouchers signed against it
/// would promise more than the contract holds.
contract Channels is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Five slots, four for an ETH channel (its token slot is never
    /// written nor read: isToken, beside the signer, says there is none). A
    /// claim reads signer/expiry, payee, deposit/claimed and, for a token
    /// channel, the token, and writes only deposit/claimed, a slot that is
    /// never zero. Amounts fit 128 bits.
    struct Channel {
        address funder;
        address signer;
        uint64 expiry; // unix seconds; claims stop, reclaim opens
        bool isToken;
        address payee;
        address token; // set only when isToken
        uint128 deposit; // everything paid in
        uint128 claimed; // everything paid out to the payee, or back to the funder
    }

    /// @notice A channel as channel() reports it; a zero token means ETH.
    struct ChannelView {
        address funder;
        address signer;
        uint64 expiry;
        address payee;
        address token;
        uint128 deposit;
        uint128 claimed;
    }

    /// @notice One voucher for claimMany.
    struct Claim {
        bytes32 channelId;
        uint256 amount;
        bytes signature;
    }

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint256 amount)");

    mapping(bytes32 => Channel) private _channels;
    mapping(address => uint256) public openedBy; // channels per funder, to derive channel ids

    event Opened(
        bytes32 indexed channelId,
        address indexed funder,
        address indexed payee,
        address signer,
        address token,
        uint64 expiry,
        uint256 deposit
    );
    event ToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);
    event Extended(bytes32 indexed channelId, uint64 expiry);
    event Claimed(bytes32 indexed channelId, uint256 amount, uint256 paid);
    /// @notice A claim in a claimMany batch that was refused; `reason` is
    /// the selector of the error the same claim alone reverts with.
    event ClaimSkipped(bytes32 indexed channelId, bytes4 reason);
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
    error BadSignature();
    error TransferFailed();
    error WrongToken(address token);
    error WrongValue(uint256 sent, uint256 deposits);
    error LengthMismatch();
    error FeeOnTransfer(uint256 sent, uint256 received);
    error PermitFailed(uint256 allowance);

    constructor() EIP712("livegate", "1") {}

    /// @notice Opens an ETH channel paying `payee` on vouchers signed by
    /// `signer`, funded with msg.value, until `expiry`.
    function open(address signer, address payee, uint64 expiry) external payable returns (bytes32 channelId) {
        _checkTerms(payee, expiry);
        channelId = _open(openedBy[msg.sender]++, address(0), signer, payee, expiry, msg.value);
    }

    /// @notice Opens a channel in `token`, taking `amount` from the caller,
    /// who must have approved this contract for it.
    function openToken(address token, uint256 amount, address signer, address payee, uint64 expiry)
        external
        nonReentrant
        returns (bytes32 channelId)
    {
        _checkTerms(payee, expiry);
        if (token == address(0)) revert ZeroAddress();
        _pull(token, amount);
        channelId = _open(openedBy[msg.sender]++, token, signer, payee, expiry, amount);
    }

    /// @notice openToken with an EIP-2612 permit instead of a prior
    /// approve: one transaction, one signature. A permit that fails (someone
    /// submitted it first: permits are public) does not matter when the
    /// allowance is there anyway, as OpenZeppelin's IERC20Permit advises.
    function openWithPermit(
        address token,
        uint256 amount,
        address signer,
        address payee,
        uint64 expiry,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 channelId) {
        _checkTerms(payee, expiry);
        if (token == address(0)) revert ZeroAddress();
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {}
        catch {
            uint256 allowance = IERC20(token).allowance(msg.sender, address(this));
            if (allowance < amount) revert PermitFailed(allowance);
        }
        _pull(token, amount);
        channelId = _open(openedBy[msg.sender]++, token, signer, payee, expiry, amount);
    }

    /// @notice Opens one ETH channel per signer, all paying `payee` until
    /// `expiry`, with deposits[i] each; msg.value must be their sum. One
    /// transaction for an organizer's prefunded links.
    function openMany(address[] calldata signers, uint256[] calldata deposits, address payee, uint64 expiry)
        external
        payable
        returns (bytes32[] memory channelIds)
    {
        uint256 total = _sum(signers, deposits, payee, expiry);
        if (msg.value != total) revert WrongValue(msg.value, total);
        channelIds = _openMany(address(0), signers, deposits, payee, expiry);
    }

    /// @notice openMany in `token`: the sum of deposits is taken in one
    /// transfer from the caller, who must have approved it.
    function openManyToken(
        address token,
        address[] calldata signers,
        uint256[] calldata deposits,
        address payee,
        uint64 expiry
    ) external nonReentrant returns (bytes32[] memory channelIds) {
        if (token == address(0)) revert ZeroAddress();
        _pull(token, _sum(signers, deposits, payee, expiry));
        channelIds = _openMany(token, signers, deposits, payee, expiry);
    }

    /// @notice Adds msg.value to a live ETH channel. Funder only.
    function topUp(bytes32 channelId) external payable {
        _topUp(channelId, false, msg.value);
    }

    /// @notice Adds `amount` of the channel's token to a live token channel,
    /// taken from the caller (approve first). Funder only.
    function topUpToken(bytes32 channelId, uint256 amount) external nonReentrant {
        _pull(_topUp(channelId, true, amount), amount);
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
    /// signed by the channel's signer, over what was claimed before, in the
    /// channel's token.
    function claim(bytes32 channelId, uint256 amount, bytes calldata signature) external nonReentrant {
        (address token, uint256 paid) = _claim(channelId, amount, signature, false);
        _pay(token, msg.sender, paid);
    }

    /// @notice Claims many vouchers in one transaction, each checked exactly
    /// as claim checks it. A claim that claim would refuse (a stale voucher,
    /// an expired channel, another payee's channel) is skipped with a
    /// ClaimSkipped event naming the error, so one bad voucher does not sink
    /// the good ones beside it. What the batch earns is paid to the caller
    /// at the end, one transfer per token.
    function claimMany(Claim[] calldata claims) external nonReentrant {
        address[] memory tokens = new address[](claims.length);
        uint256[] memory totals = new uint256[](claims.length);
        uint256 n;
        for (uint256 i; i < claims.length; ++i) {
            Claim calldata cl = claims[i];
            (address token, uint256 paid) = _claim(cl.channelId, cl.amount, cl.signature, true);
            if (paid == 0) continue;
            uint256 j;
            while (j < n && tokens[j] != token) ++j;
            if (j == n) tokens[n++] = token;
            totals[j] += paid;
        }
        for (uint256 j; j < n; ++j) {
            _pay(tokens[j], msg.sender, totals[j]);
        }
    }

    /// @notice Returns what the payee did not claim to the funder, once the
    /// channel has expired, in the channel's token. Funder only.
    function reclaim(bytes32 channelId) external nonReentrant {
        Channel storage c = _funded(channelId);
        if (block.timestamp < c.expiry) revert ChannelNotExpired();
        uint256 refund = uint256(c.deposit) - c.claimed;
        c.claimed = c.deposit;
        emit Reclaimed(channelId, refund);
        if (refund > 0) _pay(_tokenOf(c), msg.sender, refund);
    }

    /// @notice The channel's state; a zero payee means no such channel.
    function channel(bytes32 channelId) external view returns (ChannelView memory) {
        Channel storage c = _channels[channelId];
        return ChannelView(c.funder, c.signer, c.expiry, c.payee, _tokenOf(c), c.deposit, c.claimed);
    }

    /// @notice The EIP-712 digest a signer signs for a voucher.
    function voucherDigest(bytes32 channelId, uint256 amount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, amount)));
    }

    function _checkTerms(address payee, uint64 expiry) private view {
        if (payee == address(0)) revert ZeroAddress();
        if (expiry <= block.timestamp) revert ExpiryNotLater();
    }

    /// @dev Writes a new channel, the funder's `nonce`-th. Fields are
    /// assigned one by one so an ETH channel never touches the token slot.
    function _open(uint256 nonce, address token, address signer, address payee, uint64 expiry, uint256 deposit)
        private
        returns (bytes32 channelId)
    {
        if (signer == address(0)) revert ZeroAddress();
        if (deposit == 0) revert ZeroDeposit();
        if (deposit > type(uint128).max) revert DepositTooLarge();
        channelId = keccak256(abi.encode(block.chainid, address(this), msg.sender, nonce));
        Channel storage c = _channels[channelId];
        c.funder = msg.sender;
        c.signer = signer;
        c.expiry = expiry;
        c.payee = payee;
        if (token != address(0)) {
            c.isToken = true;
            c.token = token;
        }
        c.deposit = uint128(deposit);
        emit Opened(channelId, msg.sender, payee, signer, token, expiry, deposit);
    }

    function _openMany(
        address token,
        address[] calldata signers,
        uint256[] calldata deposits,
        address payee,
        uint64 expiry
    ) private returns (bytes32[] memory channelIds) {
        uint256 nonce = openedBy[msg.sender];
        openedBy[msg.sender] = nonce + signers.length;
        channelIds = new bytes32[](signers.length);
        for (uint256 i; i < signers.length; ++i) {
            channelIds[i] = _open(nonce + i, token, signers[i], payee, expiry, deposits[i]);
        }
    }

    /// @dev Checks a batch's shape and terms and returns its total deposit
    /// (each deposit is bounded in _open; the sum cannot overflow 256 bits).
    function _sum(address[] calldata signers, uint256[] calldata deposits, address payee, uint64 expiry)
        private
        view
        returns (uint256 total)
    {
        if (signers.length != deposits.length) revert LengthMismatch();
        _checkTerms(payee, expiry);
        for (uint256 i; i < deposits.length; ++i) {
            if (deposits[i] > type(uint128).max) revert DepositTooLarge();
            total += deposits[i];
        }
    }

    /// @dev Records a top-up of a token channel (`isToken`) or an ETH one
    /// and returns the channel's token.
    function _topUp(bytes32 channelId, bool isToken, uint256 amount) private returns (address token) {
        Channel storage c = _funded(channelId);
        token = _tokenOf(c);
        if ((token != address(0)) != isToken) revert WrongToken(token);
        if (block.timestamp >= c.expiry) revert ChannelExpired();
        if (amount == 0) revert ZeroDeposit();
        uint256 deposit = uint256(c.deposit) + amount;
        if (deposit > type(uint128).max) revert DepositTooLarge();
        c.deposit = uint128(deposit);
        emit ToppedUp(channelId, amount, deposit);
    }

    /// @dev Takes `amount` of `token` from the caller; it must arrive whole.
    function _pull(address token, uint256 amount) private {
        if (amount == 0) revert ZeroDeposit();
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransfer(amount, received);
    }

    /// @dev Checks and records one claim, returning what it pays and in
    /// which token. With `skip`, a refusal emits ClaimSkipped and pays
    /// nothing instead of reverting: the checks are the same either way.
    function _claim(bytes32 channelId, uint256 amount, bytes calldata signature, bool skip)
        private
        returns (address token, uint256 paid)
    {
        Channel storage c = _channels[channelId];
        address payee = c.payee;
        if (payee == address(0)) return _refuse(skip, channelId, abi.encodeWithSelector(UnknownChannel.selector));
        if (msg.sender != payee) return _refuse(skip, channelId, abi.encodeWithSelector(NotPayee.selector));
        if (block.timestamp >= c.expiry) {
            return _refuse(skip, channelId, abi.encodeWithSelector(ChannelExpired.selector));
        }
        uint256 deposit = c.deposit;
        uint256 claimed = c.claimed;
        if (amount > deposit) {
            return _refuse(skip, channelId, abi.encodeWithSelector(AboveDeposit.selector, amount, deposit));
        }
        if (amount <= claimed) {
            return _refuse(skip, channelId, abi.encodeWithSelector(NothingToClaim.selector, amount, claimed));
        }
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(voucherDigest(channelId, amount), signature);
        if (err != ECDSA.RecoverError.NoError) {
            return _refuse(skip, channelId, abi.encodeWithSelector(BadSignature.selector));
        }
        if (recovered != c.signer) {
            return _refuse(skip, channelId, abi.encodeWithSelector(WrongSigner.selector, recovered));
        }
        c.claimed = uint128(amount);
        paid = amount - claimed;
        token = _tokenOf(c);
        emit Claimed(channelId, amount, paid);
    }

    function _refuse(bool skip, bytes32 channelId, bytes memory reason) private returns (address, uint256) {
        if (!skip) {
            assembly ("memory-safe") {
                revert(add(reason, 32), mload(reason))
            }
        }
        emit ClaimSkipped(channelId, bytes4(reason));
        return (address(0), 0);
    }

    function _pay(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _tokenOf(Channel storage c) private view returns (address) {
        return c.isToken ? c.token : address(0);
    }

    function _funded(bytes32 channelId) private view returns (Channel storage c) {
        c = _channels[channelId];
        if (c.payee == address(0)) revert UnknownChannel();
        if (msg.sender != c.funder) revert NotFunder();
    }
}
