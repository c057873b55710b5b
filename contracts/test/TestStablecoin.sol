// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// A stablecoin for the dev chain and tests: 6 decimals and an EIP-2612
/// permit, as USDC has, so stablecoin channels are exercised as they will
/// be used. Its deployer mints; it is worth nothing anywhere.
contract TestStablecoin is ERC20, ERC20Permit {
    address public immutable minter;

    error NotMinter();

    constructor() ERC20("livegate test dollar", "USDL") ERC20Permit("livegate test dollar") {
        minter = msg.sender;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// Mints `amount` (in millionths) to `to`. Deployer only.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter();
        _mint(to, amount);
    }
}
