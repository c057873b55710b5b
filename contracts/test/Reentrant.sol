// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Test-only attackers: contracts that try to re-enter Channels when it
// sends them ETH. Compiled and bound like Channels, deployed only by tests.

struct Claim {
    bytes32 channelId;
    uint256 amount;
    bytes signature;
}

interface IChannels {
    function open(address signer, address payee, uint64 expiry) external payable returns (bytes32);
    function claim(bytes32 channelId, uint256 amount, bytes calldata signature) external;
    function claimMany(Claim[] calldata claims) external;
    function reclaim(bytes32 channelId) external;
}

/// A payee that, when paid (by claim or by claimMany's payment at the end
/// of a batch), claims again with a second voucher.
contract ReentrantPayee {
    IChannels public immutable channels;
    bytes32 public channelId;
    uint256 public amount2;
    bytes public sig2;
    bool public swallow; // catch the inner failure so the outer claim can go through
    uint256 public reentered;

    constructor(IChannels c) {
        channels = c;
    }

    function attack(bytes32 id, uint256 amount1, bytes calldata sig1, uint256 a2, bytes calldata s2, bool catchInner)
        external
    {
        channelId = id;
        amount2 = a2;
        sig2 = s2;
        swallow = catchInner;
        channels.claim(id, amount1, sig1);
    }

    function attackMany(bytes32 id, uint256 amount1, bytes calldata sig1, uint256 a2, bytes calldata s2, bool catchInner)
        external
    {
        channelId = id;
        amount2 = a2;
        sig2 = s2;
        swallow = catchInner;
        Claim[] memory batch = new Claim[](1);
        batch[0] = Claim(id, amount1, sig1);
        channels.claimMany(batch);
    }

    receive() external payable {
        if (reentered > 0) return;
        reentered++;
        if (swallow) {
            try channels.claim(channelId, amount2, sig2) {} catch {}
        } else {
            channels.claim(channelId, amount2, sig2);
        }
    }
}

/// A funder that, when refunded, reclaims again.
contract ReentrantFunder {
    IChannels public immutable channels;
    bytes32 public channelId;
    uint256 public reentered;

    constructor(IChannels c) {
        channels = c;
    }

    function open(address signer, address payee, uint64 expiry) external payable {
        channelId = channels.open{value: msg.value}(signer, payee, expiry);
    }

    function reclaim() external {
        channels.reclaim(channelId);
    }

    receive() external payable {
        if (reentered > 0) return;
        reentered++;
        channels.reclaim(channelId);
    }
}
