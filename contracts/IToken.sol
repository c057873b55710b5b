// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// What livegate calls on a channel's token: ERC-20 with its metadata
/// (symbol and decimals, to show amounts to people) and, where the token
/// has it, EIP-2612 permit. Bound in Go as bindings.Token.
interface IToken is IERC20Metadata, IERC20Permit {}
