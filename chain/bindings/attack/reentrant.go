// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package attack

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// ReentrantFunderMetaData contains all meta data concerning the ReentrantFunder contract.
var ReentrantFunderMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"c\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"channelId\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channels\",\"outputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"open\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reclaim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentered\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161043038038061043083398101604081905261002e9161003f565b6001600160a01b031660805261006c565b5f6020828403121561004f575f5ffd5b81516001600160a01b0381168114610065575f5ffd5b9392505050565b6080516103986100985f395f8181608801528181610122015281816101b0015261024801526103985ff3fe60806040526004361061004c575f3560e01c80633f09775e146100e957806379a4e4501461011157806380e9071b1461015c578063e2cee54414610170578063fec9988c14610184575f5ffd5b366100e5576001541561005b57005b60018054905f61006a836102bc565b90915550505f546040516396afb36560e01b815260048101919091527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906396afb365906024015f604051808303815f87803b1580156100d1575f5ffd5b505af11580156100e3573d5f5f3e3d5ffd5b005b5f5ffd5b3480156100f4575f5ffd5b506100fe60015481565b6040519081526020015b60405180910390f35b34801561011c575f5ffd5b506101447f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610108565b348015610167575f5ffd5b506100e3610197565b34801561017b575f5ffd5b506100fe5f5481565b6100e36101923660046102fb565b610211565b5f546040516396afb36560e01b815260048101919091527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906396afb365906024015f604051808303815f87803b1580156101f9575f5ffd5b505af115801561020b573d5f5f3e3d5ffd5b50505050565b604051633fb2662360e21b81526001600160a01b038481166004830152838116602483015267ffffffffffffffff831660448301527f0000000000000000000000000000000000000000000000000000000000000000169063fec9988c90349060640160206040518083038185885af1158015610290573d5f5f3e3d5ffd5b50505050506040513d601f19601f820116820180604052508101906102b5919061034b565b5f55505050565b5f600182016102d957634e487b7160e01b5f52601160045260245ffd5b5060010190565b80356001600160a01b03811681146102f6575f5ffd5b919050565b5f5f5f6060848603121561030d575f5ffd5b610316846102e0565b9250610324602085016102e0565b9150604084013567ffffffffffffffff81168114610340575f5ffd5b809150509250925092565b5f6020828403121561035b575f5ffd5b505191905056fea26469706673582212209f75c2fbb4ba56e2272328c9603c965b83cd5dbc0896948a865f97d322f7cfcf64736f6c63430008250033",
}

// ReentrantFunderABI is the input ABI used to generate the binding from.
// Deprecated: Use ReentrantFunderMetaData.ABI instead.
var ReentrantFunderABI = ReentrantFunderMetaData.ABI

// ReentrantFunderBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ReentrantFunderMetaData.Bin instead.
var ReentrantFunderBin = ReentrantFunderMetaData.Bin

// DeployReentrantFunder deploys a new Ethereum contract, binding an instance of ReentrantFunder to it.
func DeployReentrantFunder(auth *bind.TransactOpts, backend bind.ContractBackend, c common.Address) (common.Address, *types.Transaction, *ReentrantFunder, error) {
	parsed, err := ReentrantFunderMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ReentrantFunderBin), backend, c)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ReentrantFunder{ReentrantFunderCaller: ReentrantFunderCaller{contract: contract}, ReentrantFunderTransactor: ReentrantFunderTransactor{contract: contract}, ReentrantFunderFilterer: ReentrantFunderFilterer{contract: contract}}, nil
}

// ReentrantFunder is an auto generated Go binding around an Ethereum contract.
type ReentrantFunder struct {
	ReentrantFunderCaller     // Read-only binding to the contract
	ReentrantFunderTransactor // Write-only binding to the contract
	ReentrantFunderFilterer   // Log filterer for contract events
}

// ReentrantFunderCaller is an auto generated read-only Go binding around an Ethereum contract.
type ReentrantFunderCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantFunderTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ReentrantFunderTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantFunderFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ReentrantFunderFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantFunderSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ReentrantFunderSession struct {
	Contract     *ReentrantFunder  // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ReentrantFunderCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ReentrantFunderCallerSession struct {
	Contract *ReentrantFunderCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts          // Call options to use throughout this session
}

// ReentrantFunderTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ReentrantFunderTransactorSession struct {
	Contract     *ReentrantFunderTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts          // Transaction auth options to use throughout this session
}

// ReentrantFunderRaw is an auto generated low-level Go binding around an Ethereum contract.
type ReentrantFunderRaw struct {
	Contract *ReentrantFunder // Generic contract binding to access the raw methods on
}

// ReentrantFunderCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ReentrantFunderCallerRaw struct {
	Contract *ReentrantFunderCaller // Generic read-only contract binding to access the raw methods on
}

// ReentrantFunderTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ReentrantFunderTransactorRaw struct {
	Contract *ReentrantFunderTransactor // Generic write-only contract binding to access the raw methods on
}

// NewReentrantFunder creates a new instance of ReentrantFunder, bound to a specific deployed contract.
func NewReentrantFunder(address common.Address, backend bind.ContractBackend) (*ReentrantFunder, error) {
	contract, err := bindReentrantFunder(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ReentrantFunder{ReentrantFunderCaller: ReentrantFunderCaller{contract: contract}, ReentrantFunderTransactor: ReentrantFunderTransactor{contract: contract}, ReentrantFunderFilterer: ReentrantFunderFilterer{contract: contract}}, nil
}

// NewReentrantFunderCaller creates a new read-only instance of ReentrantFunder, bound to a specific deployed contract.
func NewReentrantFunderCaller(address common.Address, caller bind.ContractCaller) (*ReentrantFunderCaller, error) {
	contract, err := bindReentrantFunder(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ReentrantFunderCaller{contract: contract}, nil
}

// NewReentrantFunderTransactor creates a new write-only instance of ReentrantFunder, bound to a specific deployed contract.
func NewReentrantFunderTransactor(address common.Address, transactor bind.ContractTransactor) (*ReentrantFunderTransactor, error) {
	contract, err := bindReentrantFunder(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ReentrantFunderTransactor{contract: contract}, nil
}

// NewReentrantFunderFilterer creates a new log filterer instance of ReentrantFunder, bound to a specific deployed contract.
func NewReentrantFunderFilterer(address common.Address, filterer bind.ContractFilterer) (*ReentrantFunderFilterer, error) {
	contract, err := bindReentrantFunder(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ReentrantFunderFilterer{contract: contract}, nil
}

// bindReentrantFunder binds a generic wrapper to an already deployed contract.
func bindReentrantFunder(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ReentrantFunderMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ReentrantFunder *ReentrantFunderRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ReentrantFunder.Contract.ReentrantFunderCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ReentrantFunder *ReentrantFunderRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.ReentrantFunderTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ReentrantFunder *ReentrantFunderRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.ReentrantFunderTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ReentrantFunder *ReentrantFunderCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ReentrantFunder.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ReentrantFunder *ReentrantFunderTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ReentrantFunder *ReentrantFunderTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.contract.Transact(opts, method, params...)
}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantFunder *ReentrantFunderCaller) ChannelId(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _ReentrantFunder.contract.Call(opts, &out, "channelId")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantFunder *ReentrantFunderSession) ChannelId() ([32]byte, error) {
	return _ReentrantFunder.Contract.ChannelId(&_ReentrantFunder.CallOpts)
}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantFunder *ReentrantFunderCallerSession) ChannelId() ([32]byte, error) {
	return _ReentrantFunder.Contract.ChannelId(&_ReentrantFunder.CallOpts)
}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantFunder *ReentrantFunderCaller) Channels(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ReentrantFunder.contract.Call(opts, &out, "channels")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantFunder *ReentrantFunderSession) Channels() (common.Address, error) {
	return _ReentrantFunder.Contract.Channels(&_ReentrantFunder.CallOpts)
}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantFunder *ReentrantFunderCallerSession) Channels() (common.Address, error) {
	return _ReentrantFunder.Contract.Channels(&_ReentrantFunder.CallOpts)
}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantFunder *ReentrantFunderCaller) Reentered(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _ReentrantFunder.contract.Call(opts, &out, "reentered")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantFunder *ReentrantFunderSession) Reentered() (*big.Int, error) {
	return _ReentrantFunder.Contract.Reentered(&_ReentrantFunder.CallOpts)
}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantFunder *ReentrantFunderCallerSession) Reentered() (*big.Int, error) {
	return _ReentrantFunder.Contract.Reentered(&_ReentrantFunder.CallOpts)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns()
func (_ReentrantFunder *ReentrantFunderTransactor) Open(opts *bind.TransactOpts, signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _ReentrantFunder.contract.Transact(opts, "open", signer, payee, expiry)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns()
func (_ReentrantFunder *ReentrantFunderSession) Open(signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Open(&_ReentrantFunder.TransactOpts, signer, payee, expiry)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns()
func (_ReentrantFunder *ReentrantFunderTransactorSession) Open(signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Open(&_ReentrantFunder.TransactOpts, signer, payee, expiry)
}

// Reclaim is a paid mutator transaction binding the contract method 0x80e9071b.
//
// Solidity: function reclaim() returns()
func (_ReentrantFunder *ReentrantFunderTransactor) Reclaim(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantFunder.contract.Transact(opts, "reclaim")
}

// Reclaim is a paid mutator transaction binding the contract method 0x80e9071b.
//
// Solidity: function reclaim() returns()
func (_ReentrantFunder *ReentrantFunderSession) Reclaim() (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Reclaim(&_ReentrantFunder.TransactOpts)
}

// Reclaim is a paid mutator transaction binding the contract method 0x80e9071b.
//
// Solidity: function reclaim() returns()
func (_ReentrantFunder *ReentrantFunderTransactorSession) Reclaim() (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Reclaim(&_ReentrantFunder.TransactOpts)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantFunder *ReentrantFunderTransactor) Receive(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantFunder.contract.RawTransact(opts, nil) // calldata is disallowed for receive function
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantFunder *ReentrantFunderSession) Receive() (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Receive(&_ReentrantFunder.TransactOpts)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantFunder *ReentrantFunderTransactorSession) Receive() (*types.Transaction, error) {
	return _ReentrantFunder.Contract.Receive(&_ReentrantFunder.TransactOpts)
}

// ReentrantPayeeMetaData contains all meta data concerning the ReentrantPayee contract.
var ReentrantPayeeMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"c\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"amount2\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"sig1\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"a2\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"s2\",\"type\":\"bytes\"},{\"internalType\":\"bool\",\"name\":\"catchInner\",\"type\":\"bool\"}],\"name\":\"attack\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channelId\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channels\",\"outputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentered\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"sig2\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"swallow\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161082238038061082283398101604081905261002e9161003f565b6001600160a01b031660805261006c565b5f6020828403121561004f575f5ffd5b81516001600160a01b0381168114610065575f5ffd5b9392505050565b60805161078a6100985f395f818160bb0152818161013c01528181610215015261036b015261078a5ff3fe608060405260043610610071575f3560e01c806379a4e4501161004c57806379a4e4501461020457806384b2bb1f1461024f5780638dcb2ea114610278578063e2cee54414610297575f5ffd5b8063057bfcc7146101a65780633f09775e146101ce5780636c915ff0146101e3575f5ffd5b366101a2576004541561008057005b60048054905f61008f836103e5565b909155505060035460ff1615610120575f54600154604051637964ea8760e01b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001692637964ea87926100f192600290600401610441565b5f604051808303815f87803b158015610108575f5ffd5b505af1925050508015610119575060015b156101a057005b5f54600154604051637964ea8760e01b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001692637964ea879261017292600290600401610441565b5f604051808303815f87803b158015610189575f5ffd5b505af115801561019b573d5f5f3e3d5ffd5b505050505b005b5f5ffd5b3480156101b1575f5ffd5b506101bb60015481565b6040519081526020015b60405180910390f35b3480156101d9575f5ffd5b506101bb60045481565b3480156101ee575f5ffd5b506101f76102ab565b6040516101c591906104d6565b34801561020f575f5ffd5b506102377f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016101c5565b34801561025a575f5ffd5b506003546102689060ff1681565b60405190151581526020016101c5565b348015610283575f5ffd5b506101a0610292366004610550565b610337565b3480156102a2575f5ffd5b506101bb5f5481565b600280546102b890610409565b80601f01602080910402602001604051908101604052809291908181526020018280546102e490610409565b801561032f5780601f106103065761010080835404028352916020019161032f565b820191905f5260205f20905b81548152906001019060200180831161031257829003601f168201915b505050505081565b5f8890556001849055600261034d83858361065d565b506003805460ff1916821515179055604051637964ea8760e01b81527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690637964ea87906103ae908b908b908b908b90600401610718565b5f604051808303815f87803b1580156103c5575f5ffd5b505af11580156103d7573d5f5f3e3d5ffd5b505050505050505050505050565b5f6001820161040257634e487b7160e01b5f52601160045260245ffd5b5060010190565b600181811c9082168061041d57607f821691505b60208210810361043b57634e487b7160e01b5f52602260045260245ffd5b50919050565b838152826020820152606060408201525f5f835461045e81610409565b806060860152600182165f811461047c5760018114610498576104c9565b60ff1983166080870152608082151560051b87010193506104c9565b865f5260205f205f5b838110156104c0578154888201608001526001909101906020016104a1565b87016080019450505b5091979650505050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f5f83601f84011261051b575f5ffd5b50813567ffffffffffffffff811115610532575f5ffd5b602083019150836020828501011115610549575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f60c0898b031215610567575f5ffd5b8835975060208901359650604089013567ffffffffffffffff81111561058b575f5ffd5b6105978b828c0161050b565b90975095505060608901359350608089013567ffffffffffffffff8111156105bd575f5ffd5b6105c98b828c0161050b565b90945092505060a089013580151581146105e1575f5ffd5b809150509295985092959890939650565b634e487b7160e01b5f52604160045260245ffd5b601f821115610658578282111561065857805f5260205f20601f840160051c602085101561063157505f5b90810190601f840160051c035f5b81811015610654575f8382015560010161063f565b5050505b505050565b67ffffffffffffffff831115610675576106756105f2565b610689836106838354610409565b83610606565b5f601f8411600181146106ba575f85156106a35750838201355b5f19600387901b1c1916600186901b178355610711565b5f83815260208120601f198716915b828110156106e957868501358255602094850194600190920191016106c9565b5086821015610705575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b84815283602082015260606040820152816060820152818360808301375f818301608090810191909152601f909201601f19160101939250505056fea2646970667358221220f815cc75e6b72d75fe83ac00a634dfada7875a8853051ccfcd05080d383caaf264736f6c63430008250033",
}

// ReentrantPayeeABI is the input ABI used to generate the binding from.
// Deprecated: Use ReentrantPayeeMetaData.ABI instead.
var ReentrantPayeeABI = ReentrantPayeeMetaData.ABI

// ReentrantPayeeBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ReentrantPayeeMetaData.Bin instead.
var ReentrantPayeeBin = ReentrantPayeeMetaData.Bin

// DeployReentrantPayee deploys a new Ethereum contract, binding an instance of ReentrantPayee to it.
func DeployReentrantPayee(auth *bind.TransactOpts, backend bind.ContractBackend, c common.Address) (common.Address, *types.Transaction, *ReentrantPayee, error) {
	parsed, err := ReentrantPayeeMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ReentrantPayeeBin), backend, c)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ReentrantPayee{ReentrantPayeeCaller: ReentrantPayeeCaller{contract: contract}, ReentrantPayeeTransactor: ReentrantPayeeTransactor{contract: contract}, ReentrantPayeeFilterer: ReentrantPayeeFilterer{contract: contract}}, nil
}

// ReentrantPayee is an auto generated Go binding around an Ethereum contract.
type ReentrantPayee struct {
	ReentrantPayeeCaller     // Read-only binding to the contract
	ReentrantPayeeTransactor // Write-only binding to the contract
	ReentrantPayeeFilterer   // Log filterer for contract events
}

// ReentrantPayeeCaller is an auto generated read-only Go binding around an Ethereum contract.
type ReentrantPayeeCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantPayeeTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ReentrantPayeeTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantPayeeFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ReentrantPayeeFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ReentrantPayeeSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ReentrantPayeeSession struct {
	Contract     *ReentrantPayee   // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ReentrantPayeeCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ReentrantPayeeCallerSession struct {
	Contract *ReentrantPayeeCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts         // Call options to use throughout this session
}

// ReentrantPayeeTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ReentrantPayeeTransactorSession struct {
	Contract     *ReentrantPayeeTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts         // Transaction auth options to use throughout this session
}

// ReentrantPayeeRaw is an auto generated low-level Go binding around an Ethereum contract.
type ReentrantPayeeRaw struct {
	Contract *ReentrantPayee // Generic contract binding to access the raw methods on
}

// ReentrantPayeeCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ReentrantPayeeCallerRaw struct {
	Contract *ReentrantPayeeCaller // Generic read-only contract binding to access the raw methods on
}

// ReentrantPayeeTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ReentrantPayeeTransactorRaw struct {
	Contract *ReentrantPayeeTransactor // Generic write-only contract binding to access the raw methods on
}

// NewReentrantPayee creates a new instance of ReentrantPayee, bound to a specific deployed contract.
func NewReentrantPayee(address common.Address, backend bind.ContractBackend) (*ReentrantPayee, error) {
	contract, err := bindReentrantPayee(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ReentrantPayee{ReentrantPayeeCaller: ReentrantPayeeCaller{contract: contract}, ReentrantPayeeTransactor: ReentrantPayeeTransactor{contract: contract}, ReentrantPayeeFilterer: ReentrantPayeeFilterer{contract: contract}}, nil
}

// NewReentrantPayeeCaller creates a new read-only instance of ReentrantPayee, bound to a specific deployed contract.
func NewReentrantPayeeCaller(address common.Address, caller bind.ContractCaller) (*ReentrantPayeeCaller, error) {
	contract, err := bindReentrantPayee(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ReentrantPayeeCaller{contract: contract}, nil
}

// NewReentrantPayeeTransactor creates a new write-only instance of ReentrantPayee, bound to a specific deployed contract.
func NewReentrantPayeeTransactor(address common.Address, transactor bind.ContractTransactor) (*ReentrantPayeeTransactor, error) {
	contract, err := bindReentrantPayee(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ReentrantPayeeTransactor{contract: contract}, nil
}

// NewReentrantPayeeFilterer creates a new log filterer instance of ReentrantPayee, bound to a specific deployed contract.
func NewReentrantPayeeFilterer(address common.Address, filterer bind.ContractFilterer) (*ReentrantPayeeFilterer, error) {
	contract, err := bindReentrantPayee(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ReentrantPayeeFilterer{contract: contract}, nil
}

// bindReentrantPayee binds a generic wrapper to an already deployed contract.
func bindReentrantPayee(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ReentrantPayeeMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ReentrantPayee *ReentrantPayeeRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ReentrantPayee.Contract.ReentrantPayeeCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ReentrantPayee *ReentrantPayeeRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.ReentrantPayeeTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ReentrantPayee *ReentrantPayeeRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.ReentrantPayeeTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ReentrantPayee *ReentrantPayeeCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ReentrantPayee.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ReentrantPayee *ReentrantPayeeTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ReentrantPayee *ReentrantPayeeTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.contract.Transact(opts, method, params...)
}

// Amount2 is a free data retrieval call binding the contract method 0x057bfcc7.
//
// Solidity: function amount2() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeCaller) Amount2(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "amount2")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Amount2 is a free data retrieval call binding the contract method 0x057bfcc7.
//
// Solidity: function amount2() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeSession) Amount2() (*big.Int, error) {
	return _ReentrantPayee.Contract.Amount2(&_ReentrantPayee.CallOpts)
}

// Amount2 is a free data retrieval call binding the contract method 0x057bfcc7.
//
// Solidity: function amount2() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeCallerSession) Amount2() (*big.Int, error) {
	return _ReentrantPayee.Contract.Amount2(&_ReentrantPayee.CallOpts)
}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantPayee *ReentrantPayeeCaller) ChannelId(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "channelId")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantPayee *ReentrantPayeeSession) ChannelId() ([32]byte, error) {
	return _ReentrantPayee.Contract.ChannelId(&_ReentrantPayee.CallOpts)
}

// ChannelId is a free data retrieval call binding the contract method 0xe2cee544.
//
// Solidity: function channelId() view returns(bytes32)
func (_ReentrantPayee *ReentrantPayeeCallerSession) ChannelId() ([32]byte, error) {
	return _ReentrantPayee.Contract.ChannelId(&_ReentrantPayee.CallOpts)
}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantPayee *ReentrantPayeeCaller) Channels(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "channels")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantPayee *ReentrantPayeeSession) Channels() (common.Address, error) {
	return _ReentrantPayee.Contract.Channels(&_ReentrantPayee.CallOpts)
}

// Channels is a free data retrieval call binding the contract method 0x79a4e450.
//
// Solidity: function channels() view returns(address)
func (_ReentrantPayee *ReentrantPayeeCallerSession) Channels() (common.Address, error) {
	return _ReentrantPayee.Contract.Channels(&_ReentrantPayee.CallOpts)
}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeCaller) Reentered(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "reentered")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeSession) Reentered() (*big.Int, error) {
	return _ReentrantPayee.Contract.Reentered(&_ReentrantPayee.CallOpts)
}

// Reentered is a free data retrieval call binding the contract method 0x3f09775e.
//
// Solidity: function reentered() view returns(uint256)
func (_ReentrantPayee *ReentrantPayeeCallerSession) Reentered() (*big.Int, error) {
	return _ReentrantPayee.Contract.Reentered(&_ReentrantPayee.CallOpts)
}

// Sig2 is a free data retrieval call binding the contract method 0x6c915ff0.
//
// Solidity: function sig2() view returns(bytes)
func (_ReentrantPayee *ReentrantPayeeCaller) Sig2(opts *bind.CallOpts) ([]byte, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "sig2")

	if err != nil {
		return *new([]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)

	return out0, err

}

// Sig2 is a free data retrieval call binding the contract method 0x6c915ff0.
//
// Solidity: function sig2() view returns(bytes)
func (_ReentrantPayee *ReentrantPayeeSession) Sig2() ([]byte, error) {
	return _ReentrantPayee.Contract.Sig2(&_ReentrantPayee.CallOpts)
}

// Sig2 is a free data retrieval call binding the contract method 0x6c915ff0.
//
// Solidity: function sig2() view returns(bytes)
func (_ReentrantPayee *ReentrantPayeeCallerSession) Sig2() ([]byte, error) {
	return _ReentrantPayee.Contract.Sig2(&_ReentrantPayee.CallOpts)
}

// Swallow is a free data retrieval call binding the contract method 0x84b2bb1f.
//
// Solidity: function swallow() view returns(bool)
func (_ReentrantPayee *ReentrantPayeeCaller) Swallow(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _ReentrantPayee.contract.Call(opts, &out, "swallow")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Swallow is a free data retrieval call binding the contract method 0x84b2bb1f.
//
// Solidity: function swallow() view returns(bool)
func (_ReentrantPayee *ReentrantPayeeSession) Swallow() (bool, error) {
	return _ReentrantPayee.Contract.Swallow(&_ReentrantPayee.CallOpts)
}

// Swallow is a free data retrieval call binding the contract method 0x84b2bb1f.
//
// Solidity: function swallow() view returns(bool)
func (_ReentrantPayee *ReentrantPayeeCallerSession) Swallow() (bool, error) {
	return _ReentrantPayee.Contract.Swallow(&_ReentrantPayee.CallOpts)
}

// Attack is a paid mutator transaction binding the contract method 0x8dcb2ea1.
//
// Solidity: function attack(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeTransactor) Attack(opts *bind.TransactOpts, id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.contract.Transact(opts, "attack", id, amount1, sig1, a2, s2, catchInner)
}

// Attack is a paid mutator transaction binding the contract method 0x8dcb2ea1.
//
// Solidity: function attack(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeSession) Attack(id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.Attack(&_ReentrantPayee.TransactOpts, id, amount1, sig1, a2, s2, catchInner)
}

// Attack is a paid mutator transaction binding the contract method 0x8dcb2ea1.
//
// Solidity: function attack(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeTransactorSession) Attack(id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.Attack(&_ReentrantPayee.TransactOpts, id, amount1, sig1, a2, s2, catchInner)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantPayee *ReentrantPayeeTransactor) Receive(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ReentrantPayee.contract.RawTransact(opts, nil) // calldata is disallowed for receive function
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantPayee *ReentrantPayeeSession) Receive() (*types.Transaction, error) {
	return _ReentrantPayee.Contract.Receive(&_ReentrantPayee.TransactOpts)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_ReentrantPayee *ReentrantPayeeTransactorSession) Receive() (*types.Transaction, error) {
	return _ReentrantPayee.Contract.Receive(&_ReentrantPayee.TransactOpts)
}
