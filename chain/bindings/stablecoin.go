// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

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

// TestStablecoinMetaData contains all meta data concerning the TestStablecoin contract.
var TestStablecoinMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"ECDSAInvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"ECDSAInvalidSignatureLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"ECDSAInvalidSignatureS\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"ERC2612ExpiredSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"ERC2612InvalidSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"currentNonce\",\"type\":\"uint256\"}],\"name\":\"InvalidAccountNonce\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotMinter\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"DOMAIN_SEPARATOR\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"permit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x610180604052348015610010575f5ffd5b506040518060400160405280601481526020017f6c69766567617465207465737420646f6c6c617200000000000000000000000081525080604051806040016040528060018152602001603160f81b8152506040518060400160405280601481526020017f6c69766567617465207465737420646f6c6c6172000000000000000000000000815250604051806040016040528060048152602001631554d11360e21b81525081600390816100c491906102ab565b5060046100d182826102ab565b506100e191508390506005610190565b610120526100f0816006610190565b61014052815160208084019190912060e052815190820120610100524660a05261017c60e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c0525033610160526103c1565b5f6020835110156101ab576101a4836101c2565b90506101bc565b816101b684826102ab565b5060ff90505b92915050565b5f5f829050601f815111156101f5578260405163305a27a960e01b81526004016101ec9190610369565b60405180910390fd5b80516102008261039e565b179392505050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061023057607f821691505b60208210810361024e57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156102a657828211156102a657805f5260205f20601f840160051c602085101561027f57505f5b90810190601f840160051c035f5b818110156102a2575f8382015560010161028d565b5050505b505050565b81516001600160401b038111156102c4576102c4610208565b6102d8816102d2845461021c565b84610254565b6020601f82116001811461030a575f83156102f35750848201515b5f19600385901b1c1916600184901b178455610362565b5f84815260208120601f198516915b828110156103395787850151825560209485019460019092019101610319565b508482101561035657868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b8051602080830151919081101561024e575f1960209190910360031b1b16919050565b60805160a05160c05160e05161010051610120516101405161016051610f996104235f395f8181610117015261036601525f6107e401525f6107b701525f61072c01525f61070401525f61065f01525f61068901525f6106b30152610f995ff3fe608060405234801561000f575f5ffd5b50600436106100f0575f3560e01c806340c10f191161009357806395d89b411161006357806395d89b411461021b578063a9059cbb14610223578063d505accf14610236578063dd62ed3e14610249575f5ffd5b806340c10f19146101b057806370a08231146101c55780637ecebe00146101ed57806384b0196e14610200575f5ffd5b806318160ddd116100ce57806318160ddd1461017457806323b872dd14610186578063313ce567146101995780633644e515146101a8575f5ffd5b806306fdde03146100f45780630754617214610112578063095ea7b314610151575b5f5ffd5b6100fc610281565b6040516101099190610d15565b60405180910390f35b6101397f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610109565b61016461015f366004610d49565b610311565b6040519015158152602001610109565b6002545b604051908152602001610109565b610164610194366004610d71565b61032a565b60405160068152602001610109565b61017861034d565b6101c36101be366004610d49565b61035b565b005b6101786101d3366004610dab565b6001600160a01b03165f9081526020819052604090205490565b6101786101fb366004610dab565b6103b2565b6102086103cf565b6040516101099796959493929190610dc4565b6100fc610411565b610164610231366004610d49565b610420565b6101c3610244366004610e5a565b61042d565b610178610257366004610ec7565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b60606003805461029090610ef8565b80601f01602080910402602001604051908101604052809291908181526020018280546102bc90610ef8565b80156103075780601f106102de57610100808354040283529160200191610307565b820191905f5260205f20905b8154815290600101906020018083116102ea57829003601f168201915b5050505050905090565b5f3361031e818585610568565b60019150505b92915050565b5f3361033785828561057a565b6103428585856105f6565b506001949350505050565b5f610356610653565b905090565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146103a457604051633e34a41b60e21b815260040160405180910390fd5b6103ae828261077c565b5050565b6001600160a01b0381165f90815260076020526040812054610324565b5f6060805f5f5f60606103e06107b0565b6103e86107dd565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b60606004805461029090610ef8565b5f3361031e8185856105f6565b834211156104565760405163313c898160e11b8152600481018590526024015b60405180910390fd5b5f7f6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c98888886104a18c6001600160a01b03165f90815260076020526040902080546001810190915590565b6040805160208101969096526001600160a01b0394851690860152929091166060840152608083015260a082015260c0810186905260e0016040516020818303038152906040528051906020012090505f6104fb8261080a565b90505f61050a82878787610836565b9050896001600160a01b0316816001600160a01b031614610551576040516325c0072360e11b81526001600160a01b0380831660048301528b16602482015260440161044d565b61055c8a8a8a610568565b50505050505050505050565b6105758383836001610862565b505050565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f198110156105f057818110156105e257604051637dc7a0d960e11b81526001600160a01b0384166004820152602481018290526044810183905260640161044d565b6105f084848484035f610862565b50505050565b6001600160a01b03831661061f57604051634b637e8f60e11b81525f600482015260240161044d565b6001600160a01b0382166106485760405163ec442f0560e01b81525f600482015260240161044d565b610575838383610934565b5f306001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161480156106ab57507f000000000000000000000000000000000000000000000000000000000000000046145b156106d557507f000000000000000000000000000000000000000000000000000000000000000090565b610356604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b6001600160a01b0382166107a55760405163ec442f0560e01b81525f600482015260240161044d565b6103ae5f8383610934565b60606103567f00000000000000000000000000000000000000000000000000000000000000006005610a5a565b60606103567f00000000000000000000000000000000000000000000000000000000000000006006610a5a565b5f610324610816610653565b8360405161190160f01b8152600281019290925260228201526042902090565b5f5f5f5f61084688888888610b03565b9250925092506108568282610bcb565b50909695505050505050565b6001600160a01b03841661088b5760405163e602df0560e01b81525f600482015260240161044d565b6001600160a01b0383166108b457604051634a1406b160e11b81525f600482015260240161044d565b6001600160a01b038085165f90815260016020908152604080832093871683529290522082905580156105f057826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b9258460405161092691815260200190565b60405180910390a350505050565b6001600160a01b03831661095e578060025f8282546109539190610f30565b909155506109ce9050565b6001600160a01b0383165f90815260208190526040902054818110156109b05760405163391434e360e21b81526001600160a01b0385166004820152602481018290526044810183905260640161044d565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b0382166109ea57600280548290039055610a08565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef83604051610a4d91815260200190565b60405180910390a3505050565b606060ff8314610a7457610a6d83610c83565b9050610324565b818054610a8090610ef8565b80601f0160208091040260200160405190810160405280929190818152602001828054610aac90610ef8565b8015610af75780601f10610ace57610100808354040283529160200191610af7565b820191905f5260205f20905b815481529060010190602001808311610ada57829003601f168201915b50505050509050610324565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841115610b3c57505f91506003905082610bc1565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa158015610b8d573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b038116610bb857505f925060019150829050610bc1565b92505f91508190505b9450945094915050565b5f826003811115610bde57610bde610f4f565b03610be7575050565b6001826003811115610bfb57610bfb610f4f565b03610c195760405163f645eedf60e01b815260040160405180910390fd5b6002826003811115610c2d57610c2d610f4f565b03610c4e5760405163fce698f760e01b81526004810182905260240161044d565b6003826003811115610c6257610c62610f4f565b036103ae576040516335e2f38360e21b81526004810182905260240161044d565b60605f610c8f83610cc0565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f60ff8216601f81111561032457604051632cd44ac360e21b815260040160405180910390fd5b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f610d276020830184610ce7565b9392505050565b80356001600160a01b0381168114610d44575f5ffd5b919050565b5f5f60408385031215610d5a575f5ffd5b610d6383610d2e565b946020939093013593505050565b5f5f5f60608486031215610d83575f5ffd5b610d8c84610d2e565b9250610d9a60208501610d2e565b929592945050506040919091013590565b5f60208284031215610dbb575f5ffd5b610d2782610d2e565b60ff60f81b8816815260e060208201525f610de260e0830189610ce7565b8281036040840152610df48189610ce7565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b81811015610e49578351835260209384019390920191600101610e2b565b50909b9a5050505050505050505050565b5f5f5f5f5f5f5f60e0888a031215610e70575f5ffd5b610e7988610d2e565b9650610e8760208901610d2e565b95506040880135945060608801359350608088013560ff81168114610eaa575f5ffd5b9699959850939692959460a0840135945060c09093013592915050565b5f5f60408385031215610ed8575f5ffd5b610ee183610d2e565b9150610eef60208401610d2e565b90509250929050565b600181811c90821680610f0c57607f821691505b602082108103610f2a57634e487b7160e01b5f52602260045260245ffd5b50919050565b8082018082111561032457634e487b7160e01b5f52601160045260245ffd5b634e487b7160e01b5f52602160045260245ffdfea26469706673582212209e1cf6b99f99c81309ddba88b9230d0673e62cab4b13b697b4f39de9fe5c7c2564736f6c63430008250033",
}

// TestStablecoinABI is the input ABI used to generate the binding from.
// Deprecated: Use TestStablecoinMetaData.ABI instead.
var TestStablecoinABI = TestStablecoinMetaData.ABI

// TestStablecoinBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TestStablecoinMetaData.Bin instead.
var TestStablecoinBin = TestStablecoinMetaData.Bin

// DeployTestStablecoin deploys a new Ethereum contract, binding an instance of TestStablecoin to it.
func DeployTestStablecoin(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *TestStablecoin, error) {
	parsed, err := TestStablecoinMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TestStablecoinBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TestStablecoin{TestStablecoinCaller: TestStablecoinCaller{contract: contract}, TestStablecoinTransactor: TestStablecoinTransactor{contract: contract}, TestStablecoinFilterer: TestStablecoinFilterer{contract: contract}}, nil
}

// TestStablecoin is an auto generated Go binding around an Ethereum contract.
type TestStablecoin struct {
	TestStablecoinCaller     // Read-only binding to the contract
	TestStablecoinTransactor // Write-only binding to the contract
	TestStablecoinFilterer   // Log filterer for contract events
}

// TestStablecoinCaller is an auto generated read-only Go binding around an Ethereum contract.
type TestStablecoinCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestStablecoinTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TestStablecoinTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestStablecoinFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TestStablecoinFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestStablecoinSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TestStablecoinSession struct {
	Contract     *TestStablecoin   // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TestStablecoinCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TestStablecoinCallerSession struct {
	Contract *TestStablecoinCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts         // Call options to use throughout this session
}

// TestStablecoinTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TestStablecoinTransactorSession struct {
	Contract     *TestStablecoinTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts         // Transaction auth options to use throughout this session
}

// TestStablecoinRaw is an auto generated low-level Go binding around an Ethereum contract.
type TestStablecoinRaw struct {
	Contract *TestStablecoin // Generic contract binding to access the raw methods on
}

// TestStablecoinCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TestStablecoinCallerRaw struct {
	Contract *TestStablecoinCaller // Generic read-only contract binding to access the raw methods on
}

// TestStablecoinTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TestStablecoinTransactorRaw struct {
	Contract *TestStablecoinTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTestStablecoin creates a new instance of TestStablecoin, bound to a specific deployed contract.
func NewTestStablecoin(address common.Address, backend bind.ContractBackend) (*TestStablecoin, error) {
	contract, err := bindTestStablecoin(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TestStablecoin{TestStablecoinCaller: TestStablecoinCaller{contract: contract}, TestStablecoinTransactor: TestStablecoinTransactor{contract: contract}, TestStablecoinFilterer: TestStablecoinFilterer{contract: contract}}, nil
}

// NewTestStablecoinCaller creates a new read-only instance of TestStablecoin, bound to a specific deployed contract.
func NewTestStablecoinCaller(address common.Address, caller bind.ContractCaller) (*TestStablecoinCaller, error) {
	contract, err := bindTestStablecoin(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TestStablecoinCaller{contract: contract}, nil
}

// NewTestStablecoinTransactor creates a new write-only instance of TestStablecoin, bound to a specific deployed contract.
func NewTestStablecoinTransactor(address common.Address, transactor bind.ContractTransactor) (*TestStablecoinTransactor, error) {
	contract, err := bindTestStablecoin(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TestStablecoinTransactor{contract: contract}, nil
}

// NewTestStablecoinFilterer creates a new log filterer instance of TestStablecoin, bound to a specific deployed contract.
func NewTestStablecoinFilterer(address common.Address, filterer bind.ContractFilterer) (*TestStablecoinFilterer, error) {
	contract, err := bindTestStablecoin(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TestStablecoinFilterer{contract: contract}, nil
}

// bindTestStablecoin binds a generic wrapper to an already deployed contract.
func bindTestStablecoin(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TestStablecoinMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TestStablecoin *TestStablecoinRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TestStablecoin.Contract.TestStablecoinCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TestStablecoin *TestStablecoinRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TestStablecoin.Contract.TestStablecoinTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TestStablecoin *TestStablecoinRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TestStablecoin.Contract.TestStablecoinTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TestStablecoin *TestStablecoinCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TestStablecoin.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TestStablecoin *TestStablecoinTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TestStablecoin.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TestStablecoin *TestStablecoinTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TestStablecoin.Contract.contract.Transact(opts, method, params...)
}

// DOMAINSEPARATOR is a free data retrieval call binding the contract method 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (_TestStablecoin *TestStablecoinCaller) DOMAINSEPARATOR(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "DOMAIN_SEPARATOR")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// DOMAINSEPARATOR is a free data retrieval call binding the contract method 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (_TestStablecoin *TestStablecoinSession) DOMAINSEPARATOR() ([32]byte, error) {
	return _TestStablecoin.Contract.DOMAINSEPARATOR(&_TestStablecoin.CallOpts)
}

// DOMAINSEPARATOR is a free data retrieval call binding the contract method 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (_TestStablecoin *TestStablecoinCallerSession) DOMAINSEPARATOR() ([32]byte, error) {
	return _TestStablecoin.Contract.DOMAINSEPARATOR(&_TestStablecoin.CallOpts)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (_TestStablecoin *TestStablecoinCaller) Allowance(opts *bind.CallOpts, owner common.Address, spender common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "allowance", owner, spender)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (_TestStablecoin *TestStablecoinSession) Allowance(owner common.Address, spender common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.Allowance(&_TestStablecoin.CallOpts, owner, spender)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (_TestStablecoin *TestStablecoinCallerSession) Allowance(owner common.Address, spender common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.Allowance(&_TestStablecoin.CallOpts, owner, spender)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (_TestStablecoin *TestStablecoinCaller) BalanceOf(opts *bind.CallOpts, account common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "balanceOf", account)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (_TestStablecoin *TestStablecoinSession) BalanceOf(account common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.BalanceOf(&_TestStablecoin.CallOpts, account)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (_TestStablecoin *TestStablecoinCallerSession) BalanceOf(account common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.BalanceOf(&_TestStablecoin.CallOpts, account)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() pure returns(uint8)
func (_TestStablecoin *TestStablecoinCaller) Decimals(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "decimals")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() pure returns(uint8)
func (_TestStablecoin *TestStablecoinSession) Decimals() (uint8, error) {
	return _TestStablecoin.Contract.Decimals(&_TestStablecoin.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() pure returns(uint8)
func (_TestStablecoin *TestStablecoinCallerSession) Decimals() (uint8, error) {
	return _TestStablecoin.Contract.Decimals(&_TestStablecoin.CallOpts)
}

// Eip712Domain is a free data retrieval call binding the contract method 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (_TestStablecoin *TestStablecoinCaller) Eip712Domain(opts *bind.CallOpts) (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "eip712Domain")

	outstruct := new(struct {
		Fields            [1]byte
		Name              string
		Version           string
		ChainId           *big.Int
		VerifyingContract common.Address
		Salt              [32]byte
		Extensions        []*big.Int
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = *abi.ConvertType(out[3], new(*big.Int)).(**big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)

	return *outstruct, err

}

// Eip712Domain is a free data retrieval call binding the contract method 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (_TestStablecoin *TestStablecoinSession) Eip712Domain() (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	return _TestStablecoin.Contract.Eip712Domain(&_TestStablecoin.CallOpts)
}

// Eip712Domain is a free data retrieval call binding the contract method 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (_TestStablecoin *TestStablecoinCallerSession) Eip712Domain() (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	return _TestStablecoin.Contract.Eip712Domain(&_TestStablecoin.CallOpts)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_TestStablecoin *TestStablecoinCaller) Minter(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "minter")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_TestStablecoin *TestStablecoinSession) Minter() (common.Address, error) {
	return _TestStablecoin.Contract.Minter(&_TestStablecoin.CallOpts)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_TestStablecoin *TestStablecoinCallerSession) Minter() (common.Address, error) {
	return _TestStablecoin.Contract.Minter(&_TestStablecoin.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestStablecoin *TestStablecoinCaller) Name(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "name")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestStablecoin *TestStablecoinSession) Name() (string, error) {
	return _TestStablecoin.Contract.Name(&_TestStablecoin.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestStablecoin *TestStablecoinCallerSession) Name() (string, error) {
	return _TestStablecoin.Contract.Name(&_TestStablecoin.CallOpts)
}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (_TestStablecoin *TestStablecoinCaller) Nonces(opts *bind.CallOpts, owner common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "nonces", owner)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (_TestStablecoin *TestStablecoinSession) Nonces(owner common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.Nonces(&_TestStablecoin.CallOpts, owner)
}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (_TestStablecoin *TestStablecoinCallerSession) Nonces(owner common.Address) (*big.Int, error) {
	return _TestStablecoin.Contract.Nonces(&_TestStablecoin.CallOpts, owner)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestStablecoin *TestStablecoinCaller) Symbol(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "symbol")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestStablecoin *TestStablecoinSession) Symbol() (string, error) {
	return _TestStablecoin.Contract.Symbol(&_TestStablecoin.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestStablecoin *TestStablecoinCallerSession) Symbol() (string, error) {
	return _TestStablecoin.Contract.Symbol(&_TestStablecoin.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestStablecoin *TestStablecoinCaller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TestStablecoin.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestStablecoin *TestStablecoinSession) TotalSupply() (*big.Int, error) {
	return _TestStablecoin.Contract.TotalSupply(&_TestStablecoin.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestStablecoin *TestStablecoinCallerSession) TotalSupply() (*big.Int, error) {
	return _TestStablecoin.Contract.TotalSupply(&_TestStablecoin.CallOpts)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactor) Approve(opts *bind.TransactOpts, spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.contract.Transact(opts, "approve", spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Approve(&_TestStablecoin.TransactOpts, spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactorSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Approve(&_TestStablecoin.TransactOpts, spender, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_TestStablecoin *TestStablecoinTransactor) Mint(opts *bind.TransactOpts, to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.contract.Transact(opts, "mint", to, amount)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_TestStablecoin *TestStablecoinSession) Mint(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Mint(&_TestStablecoin.TransactOpts, to, amount)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_TestStablecoin *TestStablecoinTransactorSession) Mint(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Mint(&_TestStablecoin.TransactOpts, to, amount)
}

// Permit is a paid mutator transaction binding the contract method 0xd505accf.
//
// Solidity: function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (_TestStablecoin *TestStablecoinTransactor) Permit(opts *bind.TransactOpts, owner common.Address, spender common.Address, value *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _TestStablecoin.contract.Transact(opts, "permit", owner, spender, value, deadline, v, r, s)
}

// Permit is a paid mutator transaction binding the contract method 0xd505accf.
//
// Solidity: function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (_TestStablecoin *TestStablecoinSession) Permit(owner common.Address, spender common.Address, value *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Permit(&_TestStablecoin.TransactOpts, owner, spender, value, deadline, v, r, s)
}

// Permit is a paid mutator transaction binding the contract method 0xd505accf.
//
// Solidity: function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (_TestStablecoin *TestStablecoinTransactorSession) Permit(owner common.Address, spender common.Address, value *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Permit(&_TestStablecoin.TransactOpts, owner, spender, value, deadline, v, r, s)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactor) Transfer(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.contract.Transact(opts, "transfer", to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Transfer(&_TestStablecoin.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactorSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.Transfer(&_TestStablecoin.TransactOpts, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.contract.Transact(opts, "transferFrom", from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.TransferFrom(&_TestStablecoin.TransactOpts, from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TestStablecoin *TestStablecoinTransactorSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestStablecoin.Contract.TransferFrom(&_TestStablecoin.TransactOpts, from, to, value)
}

// TestStablecoinApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the TestStablecoin contract.
type TestStablecoinApprovalIterator struct {
	Event *TestStablecoinApproval // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TestStablecoinApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TestStablecoinApproval)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TestStablecoinApproval)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TestStablecoinApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TestStablecoinApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TestStablecoinApproval represents a Approval event raised by the TestStablecoin contract.
type TestStablecoinApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, spender []common.Address) (*TestStablecoinApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TestStablecoin.contract.FilterLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return &TestStablecoinApprovalIterator{contract: _TestStablecoin.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *TestStablecoinApproval, owner []common.Address, spender []common.Address) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TestStablecoin.contract.WatchLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TestStablecoinApproval)
				if err := _TestStablecoin.contract.UnpackLog(event, "Approval", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseApproval is a log parse operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) ParseApproval(log types.Log) (*TestStablecoinApproval, error) {
	event := new(TestStablecoinApproval)
	if err := _TestStablecoin.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TestStablecoinEIP712DomainChangedIterator is returned from FilterEIP712DomainChanged and is used to iterate over the raw logs and unpacked data for EIP712DomainChanged events raised by the TestStablecoin contract.
type TestStablecoinEIP712DomainChangedIterator struct {
	Event *TestStablecoinEIP712DomainChanged // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TestStablecoinEIP712DomainChangedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TestStablecoinEIP712DomainChanged)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TestStablecoinEIP712DomainChanged)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TestStablecoinEIP712DomainChangedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TestStablecoinEIP712DomainChangedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TestStablecoinEIP712DomainChanged represents a EIP712DomainChanged event raised by the TestStablecoin contract.
type TestStablecoinEIP712DomainChanged struct {
	Raw types.Log // Blockchain specific contextual infos
}

// FilterEIP712DomainChanged is a free log retrieval operation binding the contract event 0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31.
//
// Solidity: event EIP712DomainChanged()
func (_TestStablecoin *TestStablecoinFilterer) FilterEIP712DomainChanged(opts *bind.FilterOpts) (*TestStablecoinEIP712DomainChangedIterator, error) {

	logs, sub, err := _TestStablecoin.contract.FilterLogs(opts, "EIP712DomainChanged")
	if err != nil {
		return nil, err
	}
	return &TestStablecoinEIP712DomainChangedIterator{contract: _TestStablecoin.contract, event: "EIP712DomainChanged", logs: logs, sub: sub}, nil
}

// WatchEIP712DomainChanged is a free log subscription operation binding the contract event 0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31.
//
// Solidity: event EIP712DomainChanged()
func (_TestStablecoin *TestStablecoinFilterer) WatchEIP712DomainChanged(opts *bind.WatchOpts, sink chan<- *TestStablecoinEIP712DomainChanged) (event.Subscription, error) {

	logs, sub, err := _TestStablecoin.contract.WatchLogs(opts, "EIP712DomainChanged")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TestStablecoinEIP712DomainChanged)
				if err := _TestStablecoin.contract.UnpackLog(event, "EIP712DomainChanged", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseEIP712DomainChanged is a log parse operation binding the contract event 0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31.
//
// Solidity: event EIP712DomainChanged()
func (_TestStablecoin *TestStablecoinFilterer) ParseEIP712DomainChanged(log types.Log) (*TestStablecoinEIP712DomainChanged, error) {
	event := new(TestStablecoinEIP712DomainChanged)
	if err := _TestStablecoin.contract.UnpackLog(event, "EIP712DomainChanged", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TestStablecoinTransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the TestStablecoin contract.
type TestStablecoinTransferIterator struct {
	Event *TestStablecoinTransfer // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TestStablecoinTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TestStablecoinTransfer)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TestStablecoinTransfer)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TestStablecoinTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TestStablecoinTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TestStablecoinTransfer represents a Transfer event raised by the TestStablecoin contract.
type TestStablecoinTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*TestStablecoinTransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TestStablecoin.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &TestStablecoinTransferIterator{contract: _TestStablecoin.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *TestStablecoinTransfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TestStablecoin.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TestStablecoinTransfer)
				if err := _TestStablecoin.contract.UnpackLog(event, "Transfer", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseTransfer is a log parse operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestStablecoin *TestStablecoinFilterer) ParseTransfer(log types.Log) (*TestStablecoinTransfer, error) {
	event := new(TestStablecoinTransfer)
	if err := _TestStablecoin.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
