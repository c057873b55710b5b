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
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161043038038061043083398101604081905261002e9161003f565b6001600160a01b031660805261006c565b5f6020828403121561004f575f5ffd5b81516001600160a01b0381168114610065575f5ffd5b9392505050565b6080516103986100985f395f8181608801528181610122015281816101b0015261024801526103985ff3fe60806040526004361061004c575f3560e01c80633f09775e146100e957806379a4e4501461011157806380e9071b1461015c578063e2cee54414610170578063fec9988c14610184575f5ffd5b366100e5576001541561005b57005b60018054905f61006a836102bc565b90915550505f546040516396afb36560e01b815260048101919091527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906396afb365906024015f604051808303815f87803b1580156100d1575f5ffd5b505af11580156100e3573d5f5f3e3d5ffd5b005b5f5ffd5b3480156100f4575f5ffd5b506100fe60015481565b6040519081526020015b60405180910390f35b34801561011c575f5ffd5b506101447f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610108565b348015610167575f5ffd5b506100e3610197565b34801561017b575f5ffd5b506100fe5f5481565b6100e36101923660046102fb565b610211565b5f546040516396afb36560e01b815260048101919091527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906396afb365906024015f604051808303815f87803b1580156101f9575f5ffd5b505af115801561020b573d5f5f3e3d5ffd5b50505050565b604051633fb2662360e21b81526001600160a01b038481166004830152838116602483015267ffffffffffffffff831660448301527f0000000000000000000000000000000000000000000000000000000000000000169063fec9988c90349060640160206040518083038185885af1158015610290573d5f5f3e3d5ffd5b50505050506040513d601f19601f820116820180604052508101906102b5919061034b565b5f55505050565b5f600182016102d957634e487b7160e01b5f52601160045260245ffd5b5060010190565b80356001600160a01b03811681146102f6575f5ffd5b919050565b5f5f5f6060848603121561030d575f5ffd5b610316846102e0565b9250610324602085016102e0565b9150604084013567ffffffffffffffff81168114610340575f5ffd5b809150509250925092565b5f6020828403121561035b575f5ffd5b505191905056fea2646970667358221220ab87f87e0cfafe5e1aa0ff2177b4228990306ca3711545c1ed9ca867a4f0551b64736f6c63430008250033",
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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"c\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"amount2\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"sig1\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"a2\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"s2\",\"type\":\"bytes\"},{\"internalType\":\"bool\",\"name\":\"catchInner\",\"type\":\"bool\"}],\"name\":\"attack\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"sig1\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"a2\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"s2\",\"type\":\"bytes\"},{\"internalType\":\"bool\",\"name\":\"catchInner\",\"type\":\"bool\"}],\"name\":\"attackMany\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channelId\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"channels\",\"outputs\":[{\"internalType\":\"contractIChannels\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentered\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"sig2\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"swallow\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	Bin: "0x60a060405234801561000f575f5ffd5b50604051610a5d380380610a5d83398101604081905261002e9161003f565b6001600160a01b031660805261006c565b5f6020828403121561004f575f5ffd5b81516001600160a01b0381168114610065575f5ffd5b9392505050565b6080516109be61009f5f395f818160c6015281816101470152818161023f015281816103c801526104f501526109be5ff3fe60806040526004361061007c575f3560e01c806379a4e4501161004c57806379a4e4501461022e57806384b2bb1f146102795780638dcb2ea1146102a2578063e2cee544146102c1575f5ffd5b8063057bfcc7146101b15780633f09775e146101d957806361253e89146101ee5780636c915ff01461020d575f5ffd5b366101ad576004541561008b57005b60048054905f61009a8361056f565b909155505060035460ff161561012b575f54600154604051637964ea8760e01b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001692637964ea87926100fc926002906004016105cb565b5f604051808303815f87803b158015610113575f5ffd5b505af1925050508015610124575060015b156101ab57005b5f54600154604051637964ea8760e01b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001692637964ea879261017d926002906004016105cb565b5f604051808303815f87803b158015610194575f5ffd5b505af11580156101a6573d5f5f3e3d5ffd5b505050505b005b5f5ffd5b3480156101bc575f5ffd5b506101c660015481565b6040519081526020015b60405180910390f35b3480156101e4575f5ffd5b506101c660045481565b3480156101f9575f5ffd5b506101ab6102083660046106a5565b6102d5565b348015610218575f5ffd5b50610221610435565b6040516101d09190610775565b348015610239575f5ffd5b506102617f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016101d0565b348015610284575f5ffd5b506003546102929060ff1681565b60405190151581526020016101d0565b3480156102ad575f5ffd5b506101ab6102bc3660046106a5565b6104c1565b3480156102cc575f5ffd5b506101c65f5481565b5f889055600184905560026102eb8385836107f9565b506003805460ff19168215151790556040805160018082528183019092525f91602082015b61033260405180606001604052805f81526020015f8152602001606081525090565b81526020019060019003908161031057905050905060405180606001604052808a815260200189815260200188888080601f0160208091040260200160405190810160405280939291908181526020018383808284375f92018290525093909452505083518492506103a6576103a66108b4565b60209081029190910101526040516327ae006160e21b81526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690639eb80184906103fd9084906004016108c8565b5f604051808303815f87803b158015610414575f5ffd5b505af1158015610426573d5f5f3e3d5ffd5b50505050505050505050505050565b6002805461044290610593565b80601f016020809104026020016040519081016040528092919081815260200182805461046e90610593565b80156104b95780601f10610490576101008083540402835291602001916104b9565b820191905f5260205f20905b81548152906001019060200180831161049c57829003601f168201915b505050505081565b5f889055600184905560026104d78385836107f9565b506003805460ff1916821515179055604051637964ea8760e01b81527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031690637964ea8790610538908b908b908b908b9060040161094c565b5f604051808303815f87803b15801561054f575f5ffd5b505af1158015610561573d5f5f3e3d5ffd5b505050505050505050505050565b5f6001820161058c57634e487b7160e01b5f52601160045260245ffd5b5060010190565b600181811c908216806105a757607f821691505b6020821081036105c557634e487b7160e01b5f52602260045260245ffd5b50919050565b838152826020820152606060408201525f5f83546105e881610593565b806060860152600182165f8114610606576001811461062257610653565b60ff1983166080870152608082151560051b8701019350610653565b865f5260205f205f5b8381101561064a5781548882016080015260019091019060200161062b565b87016080019450505b5091979650505050505050565b5f5f83601f840112610670575f5ffd5b50813567ffffffffffffffff811115610687575f5ffd5b60208301915083602082850101111561069e575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f60c0898b0312156106bc575f5ffd5b8835975060208901359650604089013567ffffffffffffffff8111156106e0575f5ffd5b6106ec8b828c01610660565b90975095505060608901359350608089013567ffffffffffffffff811115610712575f5ffd5b61071e8b828c01610660565b90945092505060a08901358015158114610736575f5ffd5b809150509295985092959890939650565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f6107876020830184610747565b9392505050565b634e487b7160e01b5f52604160045260245ffd5b601f8211156107f457828211156107f457805f5260205f20601f840160051c60208510156107cd57505f5b90810190601f840160051c035f5b818110156107f0575f838201556001016107db565b5050505b505050565b67ffffffffffffffff8311156108115761081161078e565b6108258361081f8354610593565b836107a2565b5f601f841160018114610856575f851561083f5750838201355b5f19600387901b1c1916600186901b1783556108ad565b5f83815260208120601f198716915b828110156108855786850135825560209485019460019092019101610865565b50868210156108a1575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b634e487b7160e01b5f52603260045260245ffd5b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b8281101561094057603f1987860301845281518051865260208101516020870152604081015190506060604087015261092a6060870182610747565b95505060209384019391909101906001016108ee565b50929695505050505050565b84815283602082015260606040820152816060820152818360808301375f818301608090810191909152601f909201601f19160101939250505056fea26469706673582212209508aca881ea1d7e767d14a5519a85655cfced4fa4de44e73d55e7cdafec5f7e64736f6c63430008250033",
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

// AttackMany is a paid mutator transaction binding the contract method 0x61253e89.
//
// Solidity: function attackMany(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeTransactor) AttackMany(opts *bind.TransactOpts, id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.contract.Transact(opts, "attackMany", id, amount1, sig1, a2, s2, catchInner)
}

// AttackMany is a paid mutator transaction binding the contract method 0x61253e89.
//
// Solidity: function attackMany(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeSession) AttackMany(id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.AttackMany(&_ReentrantPayee.TransactOpts, id, amount1, sig1, a2, s2, catchInner)
}

// AttackMany is a paid mutator transaction binding the contract method 0x61253e89.
//
// Solidity: function attackMany(bytes32 id, uint256 amount1, bytes sig1, uint256 a2, bytes s2, bool catchInner) returns()
func (_ReentrantPayee *ReentrantPayeeTransactorSession) AttackMany(id [32]byte, amount1 *big.Int, sig1 []byte, a2 *big.Int, s2 []byte, catchInner bool) (*types.Transaction, error) {
	return _ReentrantPayee.Contract.AttackMany(&_ReentrantPayee.TransactOpts, id, amount1, sig1, a2, s2, catchInner)
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
