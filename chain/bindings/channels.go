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

// ChannelsChannelView is an auto generated low-level Go binding around an user-defined struct.
type ChannelsChannelView struct {
	Funder  common.Address
	Signer  common.Address
	Expiry  uint64
	Payee   common.Address
	Token   common.Address
	Deposit *big.Int
	Claimed *big.Int
}

// ChannelsClaim is an auto generated low-level Go binding around an user-defined struct.
type ChannelsClaim struct {
	ChannelId [32]byte
	Amount    *big.Int
	Signature []byte
}

// ChannelsMetaData contains all meta data concerning the Channels contract.
var ChannelsMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"AboveDeposit\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"BadSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChannelExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChannelNotExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"DepositTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ExpiryNotLater\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"received\",\"type\":\"uint256\"}],\"name\":\"FeeOnTransfer\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotFunder\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPayee\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"}],\"name\":\"NothingToClaim\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"}],\"name\":\"PermitFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"UnknownChannel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"recovered\",\"type\":\"address\"}],\"name\":\"WrongSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"WrongToken\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deposits\",\"type\":\"uint256\"}],\"name\":\"WrongValue\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDeposit\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"ClaimSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"Extended\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"funder\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"Opened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refund\",\"type\":\"uint256\"}],\"name\":\"Reclaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"ToppedUp\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"VOUCHER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"channel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"funder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"deposit\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"claimed\",\"type\":\"uint128\"}],\"internalType\":\"structChannels.ChannelView\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"internalType\":\"structChannels.Claim[]\",\"name\":\"claims\",\"type\":\"tuple[]\"}],\"name\":\"claimMany\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"extend\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"open\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"signers\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"deposits\",\"type\":\"uint256[]\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"openMany\",\"outputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address[]\",\"name\":\"signers\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"deposits\",\"type\":\"uint256[]\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"openManyToken\",\"outputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"openToken\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"openWithPermit\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"openedBy\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"reclaim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"topUp\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"topUpToken\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"voucherDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x610160604052348015610010575f5ffd5b5060408051808201825260088152676c6976656761746560c01b602080830191909152825180840190935260018352603160f81b9083015290610053825f6100fc565b610120526100628160016100fc565b61014052815160208084019190912060e052815190820120610100524660a0526100ee60e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c05261032d565b5f602083511015610117576101108361012e565b9050610128565b816101228482610217565b5060ff90505b92915050565b5f5f829050601f81511115610161578260405163305a27a960e01b815260040161015891906102d5565b60405180910390fd5b805161016c8261030a565b179392505050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061019c57607f821691505b6020821081036101ba57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610212578282111561021257805f5260205f20601f840160051c60208510156101eb57505f5b90810190601f840160051c035f5b8181101561020e575f838201556001016101f9565b5050505b505050565b81516001600160401b0381111561023057610230610174565b6102448161023e8454610188565b846101c0565b6020601f821160018114610276575f831561025f5750848201515b5f19600385901b1c1916600184901b1784556102ce565b5f84815260208120601f198516915b828110156102a55787850151825560209485019460019092019101610285565b50848210156102c257868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b805160208083015191908110156101ba575f1960209190910360031b1b16919050565b60805160a05160c05160e0516101005161012051610140516123d361037e5f395f6116ff01525f6116ce01525f611ab201525f611a8a01525f6119e501525f611a0f01525f611a3901526123d35ff3fe6080604052600436106100ef575f3560e01c806396afb36511610087578063cfa54f3911610057578063cfa54f39146102be578063ddcb2dc4146102d1578063e55aee26146102e4578063fec9988c14610303575f5ffd5b806396afb365146102355780639eb8018414610254578063b7d9c80e14610273578063c991a24b1461029f575f5ffd5b806379060ee4116100c257806379060ee4146101905780637964ea87146101bc57806384b0196e146101db57806394739e8714610202575f5ffd5b8063112bc8af146100f35780631eeebcf01461012557806344a90466146101445780634b51ac0714610165575b5f5ffd5b3480156100fe575f5ffd5b5061011261010d366004611cc6565b610316565b6040519081526020015b60405180910390f35b348015610130575f5ffd5b5061011261013f366004611d20565b61039b565b34801561014f575f5ffd5b5061016361015e366004611db0565b61053d565b005b348015610170575f5ffd5b5061011261017f366004611dd0565b60036020525f908152604090205481565b34801561019b575f5ffd5b506101af6101aa366004611e30565b610566565b60405161011c9190611ece565b3480156101c7575f5ffd5b506101636101d6366004611f10565b6105d2565b3480156101e6575f5ffd5b506101ef610608565b60405161011c9796959493929190611fb8565b34801561020d575f5ffd5b506101127ff23ca052209b228f18e6af20dc64ab34698ce1acc52d94b2a5ef4e8cc6faee4481565b348015610240575f5ffd5b5061016361024f36600461204e565b61064a565b34801561025f575f5ffd5b5061016361026e366004612065565b61072e565b34801561027e575f5ffd5b5061029261028d36600461204e565b61094f565b60405161011c91906120a3565b3480156102aa575f5ffd5b506101636102b936600461212b565b610a27565b6101636102cc36600461204e565b610b07565b6101af6102df366004612155565b610b12565b3480156102ef575f5ffd5b506101126102fe366004611db0565b610b69565b6101126103113660046121e2565b610bcd565b5f61031f610c0e565b6103298383610c7d565b6001600160a01b0386166103505760405163d92e233d60e01b815260040160405180910390fd5b61035a8686610ccd565b335f90815260036020526040812080546103889290919061037a83612236565b91905055878686868a610e0c565b9050610392610fe4565b95945050505050565b5f6103a4610c0e565b6103ae8787610c7d565b6001600160a01b038a166103d55760405163d92e233d60e01b815260040160405180910390fd5b60405163d505accf60e01b8152336004820152306024820152604481018a90526064810186905260ff8516608482015260a4810184905260c481018390526001600160a01b038b169063d505accf9060e4015f604051808303815f87803b15801561043e575f5ffd5b505af192505050801561044f575060015b6104ee57604051636eb1769f60e11b81523360048201523060248201525f906001600160a01b038c169063dd62ed3e90604401602060405180830381865afa15801561049d573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906104c1919061224e565b9050898110156104ec5760405163ec809f4760e01b8152600481018290526024015b60405180910390fd5b505b6104f88a8a610ccd565b335f90815260036020526040812080546105269290919061051883612236565b919050558b8a8a8a8e610e0c565b9050610530610fe4565b9998505050505050505050565b610545610c0e565b61055a6105548360018461100e565b82610ccd565b610562610fe4565b5050565b6060610570610c0e565b6001600160a01b0388166105975760405163d92e233d60e01b815260040160405180910390fd5b6105ae886105a9898989898989611158565b610ccd565b6105bd88888888888888611209565b90506105c7610fe4565b979650505050505050565b6105da610c0e565b5f5f6105e9868686865f611309565b915091506105f8823383611630565b5050610602610fe4565b50505050565b5f6060805f5f5f60606106196116c7565b6106216116f8565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b610652610c0e565b5f61065c82611725565b6001810154909150600160a01b90046001600160401b03164210156106945760405163d56b7c9760e01b815260040160405180910390fd5b60048101545f906106b7906001600160801b03600160801b820481169116612279565b6004830180546001600160801b0316600160801b810217905560405181815290915083907f4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b9060200160405180910390a280156107215761072161071a8361178e565b3383611630565b505061072b610fe4565b50565b610736610c0e565b5f816001600160401b0381111561074f5761074f612265565b604051908082528060200260200182016040528015610778578160200160208202803683370190505b5090505f826001600160401b0381111561079457610794612265565b6040519080825280602002602001820160405280156107bd578160200160208202803683370190505b5090505f5f5b848110156108f357368686838181106107de576107de61228c565b90506020028101906107f091906122a0565b90505f806108128335602085013561080b60408701876122be565b6001611309565b91509150805f03610825575050506108eb565b5f5b85811080156108615750826001600160a01b031688828151811061084d5761084d61228c565b60200260200101516001600160a01b031614155b156108765761086f81612236565b9050610827565b8581036108bc5782888761088981612236565b98508151811061089b5761089b61228c565b60200260200101906001600160a01b031690816001600160a01b0316815250505b818782815181106108cf576108cf61228c565b602002602001018181516108e39190612300565b905250505050505b6001016107c3565b505f5b818110156109435761093b8482815181106109135761091361228c565b60200260200101513385848151811061092e5761092e61228c565b6020026020010151611630565b6001016108f6565b50505050610562610fe4565b6040805160e0810182525f80825260208201819052918101829052606081018290526080810182905260a0810182905260c08101919091525f82815260026020818152604092839020835160e08101855281546001600160a01b039081168252600183015480821694830194909452600160a01b9093046001600160401b0316948101949094529182015416606083015290608081016109ee8361178e565b6001600160a01b031681526004909201546001600160801b038082166020850152600160801b9091041660409092019190915292915050565b5f610a3183611725565b6001810154909150600160a01b90046001600160401b03164210610a6857604051635faa867760e11b815260040160405180910390fd5b60018101546001600160401b03600160a01b909104811690831611610aa05760405163269936d360e11b815260040160405180910390fd5b60018101805467ffffffffffffffff60a01b1916600160a01b6001600160401b0385169081029190911790915560405190815283907f4dd290613cb329e3940281abf7994377a3e4b90baea31ab97f6a9bb32145d6959060200160405180910390a2505050565b610562815f3461100e565b60605f610b23888888888888611158565b9050803414610b4e5760405163195a3ca160e01b8152346004820152602481018290526044016104e3565b610b5d5f898989898989611209565b98975050505050505050565b604080517ff23ca052209b228f18e6af20dc64ab34698ce1acc52d94b2a5ef4e8cc6faee446020820152908101839052606081018290525f90610bc490608001604051602081830303815290604052805190602001206117ba565b90505b92915050565b5f610bd88383610c7d565b335f9081526003602052604081208054610c0692909190610bf883612236565b919050555f86868634610e0c565b949350505050565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c15610c4e57604051633ee5aeb560e01b815260040160405180910390fd5b610c7b60017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005b906117e6565b565b6001600160a01b038216610ca45760405163d92e233d60e01b815260040160405180910390fd5b42816001600160401b0316116105625760405163269936d360e11b815260040160405180910390fd5b805f03610ced576040516356316e8760e01b815260040160405180910390fd5b6040516370a0823160e01b81523060048201525f906001600160a01b038416906370a0823190602401602060405180830381865afa158015610d31573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610d55919061224e565b9050610d6c6001600160a01b0384163330856117ed565b6040516370a0823160e01b81523060048201525f9082906001600160a01b038616906370a0823190602401602060405180830381865afa158015610db2573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610dd6919061224e565b610de09190612279565b905082811461060257604051636506e91b60e11b815260048101849052602481018290526044016104e3565b5f6001600160a01b038516610e345760405163d92e233d60e01b815260040160405180910390fd5b815f03610e54576040516356316e8760e01b815260040160405180910390fd5b6001600160801b03821115610e7c5760405163c56d46d360e01b815260040160405180910390fd5b6040805146602082015230918101919091523360608201526080810188905260a00160408051808303601f1901815291815281516020928301205f818152600293849052919091208054336001600160a01b03199182161782556001820180546001600160a01b038b81166001600160e01b031990921691909117600160a01b6001600160401b038b160217909155938201805490911688851617905590925090871615610f595760018101805460ff60e01b1916600160e01b1790556003810180546001600160a01b0389166001600160a01b03199091161790555b6004810180546001600160801b0319166001600160801b038516179055604080516001600160a01b03888116825289811660208301526001600160401b0387168284015260608201869052915191871691339185917fa2791d4affb5e7d8509b2bad4191e721ad8a2f343e896f8967e868bc41831afe916080908290030190a4509695505050505050565b610c7b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00610c75565b5f5f61101985611725565b90506110248161178e565b91506001600160a01b03821615158415151461105e5760405163071ee9f560e31b81526001600160a01b03831660048201526024016104e3565b6001810154600160a01b90046001600160401b0316421061109257604051635faa867760e11b815260040160405180910390fd5b825f036110b2576040516356316e8760e01b815260040160405180910390fd5b60048101545f906110cd9085906001600160801b0316612300565b90506001600160801b038111156110f75760405163c56d46d360e01b815260040160405180910390fd5b6004820180546001600160801b0319166001600160801b038316179055604080518581526020810183905287917f2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec4480524910160405180910390a250509392505050565b5f85841461117c576040516001621398b960e31b0319815260040160405180910390fd5b6111868383610c7d565b5f5b848110156111fe576001600160801b038686838181106111aa576111aa61228c565b9050602002013511156111d05760405163c56d46d360e01b815260040160405180910390fd5b8585828181106111e2576111e261228c565b90506020020135826111f49190612300565b9150600101611188565b509695505050505050565b335f908152600360205260409020546060906112258782612300565b335f90815260036020526040902055866001600160401b0381111561124c5761124c612265565b604051908082528060200260200182016040528015611275578160200160208202803683370190505b5091505f5b878110156112fc576112d761128f8284612300565b8b8b8b858181106112a2576112a261228c565b90506020020160208101906112b79190611dd0565b88888c8c888181106112cb576112cb61228c565b90506020020135610e0c565b8382815181106112e9576112e961228c565b602090810291909101015260010161127a565b5050979650505050505050565b5f8581526002602081905260408220908101548291906001600160a01b03168061136e576040805160048152602481019091526020810180516001600160e01b0316633e8c79ed60e11b1790526113639086908b90611854565b935093505050611626565b336001600160a01b038216146113b4576040805160048152602481019091526020810180516001600160e01b03166356cab67b60e01b1790526113639086908b90611854565b6001820154600160a01b90046001600160401b03164210611405576040805160048152602481019091526020810180516001600160e01b0316635faa867760e11b1790526113639086908b90611854565b60048201546001600160801b0380821691600160801b900416818a111561149057604051602481018b9052604481018390526114839088908d9063ca51bd4560e01b906064015b60408051601f198184030181529190526020810180516001600160e01b03166001600160e01b031990931692909217909152611854565b9550955050505050611626565b808a116114c157604051602481018b9052604481018290526114839088908d9063db2e106360e01b9060640161144c565b5f5f61150b6114d08e8e610b69565b8c8c8080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152506118b692505050565b5090925090505f81600381111561152457611524612313565b1461156e576040805160048152602481019091526020810180516001600160e01b0316635cd5d23360e01b17905261155f908a908f90611854565b97509750505050505050611626565b60018601546001600160a01b038381169116146115b0576040516001600160a01b038316602482015261155f908a908f90631960afe160e11b9060440161144c565b6004860180546001600160801b03808f16600160801b0291161790556115d6838d612279565b96506115e18661178e565b604080518e8152602081018a90529199508e917f41628d0ba42442e4aa4fc514eeb97bb7154969e70e6678229c836f3b9732ba90910160405180910390a25050505050505b9550959350505050565b6001600160a01b0383166116ae575f826001600160a01b0316826040515f6040518083038185875af1925050503d805f8114611687576040519150601f19603f3d011682016040523d82523d5f602084013e61168c565b606091505b5050905080610602576040516312171d8360e31b815260040160405180910390fd5b6116c26001600160a01b03841683836118ff565b505050565b60606116f37f00000000000000000000000000000000000000000000000000000000000000005f611930565b905090565b60606116f37f00000000000000000000000000000000000000000000000000000000000000006001611930565b5f818152600260208190526040909120908101546001600160a01b031661175f57604051633e8c79ed60e11b815260040160405180910390fd5b80546001600160a01b03163314611789576040516352cc575f60e11b815260040160405180910390fd5b919050565b60018101545f90600160e01b900460ff166117a9575f610bc7565b50600301546001600160a01b031690565b5f610bc76117c66119d9565b8360405161190160f01b8152600281019290925260228201526042902090565b80825d5050565b6040516001600160a01b0384811660248301528381166044830152606482018390526106029186918216906323b872dd906084015b604051602081830303815290604052915060e01b6020820180516001600160e01b038381831617835250505050611b02565b5f5f8461186357825160208401fd5b837fac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e2961188e85612327565b6040516001600160e01b0319909116815260200160405180910390a2505f9485945092505050565b5f5f5f83516041036118ed576020840151604085015160608601515f1a6118df88828585611b6e565b9550955095505050506118f8565b505081515f91506002905b9250925092565b6040516001600160a01b038381166024830152604482018390526116c291859182169063a9059cbb90606401611822565b606060ff831461194a5761194383611c36565b9050610bc7565b81805461195690612365565b80601f016020809104026020016040519081016040528092919081815260200182805461198290612365565b80156119cd5780601f106119a4576101008083540402835291602001916119cd565b820191905f5260205f20905b8154815290600101906020018083116119b057829003601f168201915b50505050509050610bc7565b5f306001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016148015611a3157507f000000000000000000000000000000000000000000000000000000000000000046145b15611a5b57507f000000000000000000000000000000000000000000000000000000000000000090565b6116f3604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b5f5f60205f8451602086015f885af180611b21576040513d5f823e3d81fd5b50505f513d91508115611b38578060011415611b45565b6001600160a01b0384163b155b1561060257604051635274afe760e01b81526001600160a01b03851660048201526024016104e3565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841115611ba757505f91506003905082611c2c565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa158015611bf8573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b038116611c2357505f925060019150829050611c2c565b92505f91508190505b9450945094915050565b60605f611c4283611c73565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f60ff8216601f811115610bc757604051632cd44ac360e21b815260040160405180910390fd5b80356001600160a01b0381168114611789575f5ffd5b80356001600160401b0381168114611789575f5ffd5b5f5f5f5f5f60a08688031215611cda575f5ffd5b611ce386611c9a565b945060208601359350611cf860408701611c9a565b9250611d0660608701611c9a565b9150611d1460808701611cb0565b90509295509295909350565b5f5f5f5f5f5f5f5f5f6101208a8c031215611d39575f5ffd5b611d428a611c9a565b985060208a01359750611d5760408b01611c9a565b9650611d6560608b01611c9a565b9550611d7360808b01611cb0565b945060a08a0135935060c08a013560ff81168114611d8f575f5ffd5b989b979a50959894979396929550929360e081013593506101000135919050565b5f5f60408385031215611dc1575f5ffd5b50508035926020909101359150565b5f60208284031215611de0575f5ffd5b610bc482611c9a565b5f5f83601f840112611df9575f5ffd5b5081356001600160401b03811115611e0f575f5ffd5b6020830191508360208260051b8501011115611e29575f5ffd5b9250929050565b5f5f5f5f5f5f5f60a0888a031215611e46575f5ffd5b611e4f88611c9a565b965060208801356001600160401b03811115611e69575f5ffd5b611e758a828b01611de9565b90975095505060408801356001600160401b03811115611e93575f5ffd5b611e9f8a828b01611de9565b9095509350611eb2905060608901611c9a565b9150611ec060808901611cb0565b905092959891949750929550565b602080825282518282018190525f918401906040840190835b81811015611f05578351835260209384019390920191600101611ee7565b509095945050505050565b5f5f5f5f60608587031215611f23575f5ffd5b843593506020850135925060408501356001600160401b03811115611f46575f5ffd5b8501601f81018713611f56575f5ffd5b80356001600160401b03811115611f6b575f5ffd5b876020828401011115611f7c575f5ffd5b949793965060200194505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b60ff60f81b8816815260e060208201525f611fd660e0830189611f8a565b8281036040840152611fe88189611f8a565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b8181101561203d57835183526020938401939092019160010161201f565b50909b9a5050505050505050505050565b5f6020828403121561205e575f5ffd5b5035919050565b5f5f60208385031215612076575f5ffd5b82356001600160401b0381111561208b575f5ffd5b61209785828601611de9565b90969095509350505050565b81516001600160a01b0390811682526020808401518216908301526040808401516001600160401b0316908301526060808401518216908301526080808401519091169082015260a08281015160e0830191612109908401826001600160801b03169052565b5060c083015161212460c08401826001600160801b03169052565b5092915050565b5f5f6040838503121561213c575f5ffd5b8235915061214c60208401611cb0565b90509250929050565b5f5f5f5f5f5f6080878903121561216a575f5ffd5b86356001600160401b0381111561217f575f5ffd5b61218b89828a01611de9565b90975095505060208701356001600160401b038111156121a9575f5ffd5b6121b589828a01611de9565b90955093506121c8905060408801611c9a565b91506121d660608801611cb0565b90509295509295509295565b5f5f5f606084860312156121f4575f5ffd5b6121fd84611c9a565b925061220b60208501611c9a565b915061221960408501611cb0565b90509250925092565b634e487b7160e01b5f52601160045260245ffd5b5f6001820161224757612247612222565b5060010190565b5f6020828403121561225e575f5ffd5b5051919050565b634e487b7160e01b5f52604160045260245ffd5b81810381811115610bc757610bc7612222565b634e487b7160e01b5f52603260045260245ffd5b5f8235605e198336030181126122b4575f5ffd5b9190910192915050565b5f5f8335601e198436030181126122d3575f5ffd5b8301803591506001600160401b038211156122ec575f5ffd5b602001915036819003821315611e29575f5ffd5b80820180821115610bc757610bc7612222565b634e487b7160e01b5f52602160045260245ffd5b805160208201516001600160e01b031981169190600482101561235e576001600160e01b0319600483900360031b81901b82161692505b5050919050565b600181811c9082168061237957607f821691505b60208210810361239757634e487b7160e01b5f52602260045260245ffd5b5091905056fea264697066735822122040a91b32d6b1e1c84d32785e5c551cbfd832dcf5cf68beae48aeaf6820bf8a4764736f6c63430008250033",
}

// ChannelsABI is the input ABI used to generate the binding from.
// Deprecated: Use ChannelsMetaData.ABI instead.
var ChannelsABI = ChannelsMetaData.ABI

// ChannelsBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ChannelsMetaData.Bin instead.
var ChannelsBin = ChannelsMetaData.Bin

// DeployChannels deploys a new Ethereum contract, binding an instance of Channels to it.
func DeployChannels(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *Channels, error) {
	parsed, err := ChannelsMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ChannelsBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &Channels{ChannelsCaller: ChannelsCaller{contract: contract}, ChannelsTransactor: ChannelsTransactor{contract: contract}, ChannelsFilterer: ChannelsFilterer{contract: contract}}, nil
}

// Channels is an auto generated Go binding around an Ethereum contract.
type Channels struct {
	ChannelsCaller     // Read-only binding to the contract
	ChannelsTransactor // Write-only binding to the contract
	ChannelsFilterer   // Log filterer for contract events
}

// ChannelsCaller is an auto generated read-only Go binding around an Ethereum contract.
type ChannelsCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelsTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ChannelsTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelsFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ChannelsFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ChannelsSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ChannelsSession struct {
	Contract     *Channels         // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ChannelsCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ChannelsCallerSession struct {
	Contract *ChannelsCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts   // Call options to use throughout this session
}

// ChannelsTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ChannelsTransactorSession struct {
	Contract     *ChannelsTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts   // Transaction auth options to use throughout this session
}

// ChannelsRaw is an auto generated low-level Go binding around an Ethereum contract.
type ChannelsRaw struct {
	Contract *Channels // Generic contract binding to access the raw methods on
}

// ChannelsCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ChannelsCallerRaw struct {
	Contract *ChannelsCaller // Generic read-only contract binding to access the raw methods on
}

// ChannelsTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ChannelsTransactorRaw struct {
	Contract *ChannelsTransactor // Generic write-only contract binding to access the raw methods on
}

// NewChannels creates a new instance of Channels, bound to a specific deployed contract.
func NewChannels(address common.Address, backend bind.ContractBackend) (*Channels, error) {
	contract, err := bindChannels(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &Channels{ChannelsCaller: ChannelsCaller{contract: contract}, ChannelsTransactor: ChannelsTransactor{contract: contract}, ChannelsFilterer: ChannelsFilterer{contract: contract}}, nil
}

// NewChannelsCaller creates a new read-only instance of Channels, bound to a specific deployed contract.
func NewChannelsCaller(address common.Address, caller bind.ContractCaller) (*ChannelsCaller, error) {
	contract, err := bindChannels(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ChannelsCaller{contract: contract}, nil
}

// NewChannelsTransactor creates a new write-only instance of Channels, bound to a specific deployed contract.
func NewChannelsTransactor(address common.Address, transactor bind.ContractTransactor) (*ChannelsTransactor, error) {
	contract, err := bindChannels(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ChannelsTransactor{contract: contract}, nil
}

// NewChannelsFilterer creates a new log filterer instance of Channels, bound to a specific deployed contract.
func NewChannelsFilterer(address common.Address, filterer bind.ContractFilterer) (*ChannelsFilterer, error) {
	contract, err := bindChannels(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ChannelsFilterer{contract: contract}, nil
}

// bindChannels binds a generic wrapper to an already deployed contract.
func bindChannels(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ChannelsMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Channels *ChannelsRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Channels.Contract.ChannelsCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Channels *ChannelsRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Channels.Contract.ChannelsTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Channels *ChannelsRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Channels.Contract.ChannelsTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Channels *ChannelsCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Channels.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Channels *ChannelsTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Channels.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Channels *ChannelsTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Channels.Contract.contract.Transact(opts, method, params...)
}

// VOUCHERTYPEHASH is a free data retrieval call binding the contract method 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (_Channels *ChannelsCaller) VOUCHERTYPEHASH(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "VOUCHER_TYPEHASH")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// VOUCHERTYPEHASH is a free data retrieval call binding the contract method 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (_Channels *ChannelsSession) VOUCHERTYPEHASH() ([32]byte, error) {
	return _Channels.Contract.VOUCHERTYPEHASH(&_Channels.CallOpts)
}

// VOUCHERTYPEHASH is a free data retrieval call binding the contract method 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (_Channels *ChannelsCallerSession) VOUCHERTYPEHASH() ([32]byte, error) {
	return _Channels.Contract.VOUCHERTYPEHASH(&_Channels.CallOpts)
}

// Channel is a free data retrieval call binding the contract method 0xb7d9c80e.
//
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,address,uint128,uint128))
func (_Channels *ChannelsCaller) Channel(opts *bind.CallOpts, channelId [32]byte) (ChannelsChannelView, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "channel", channelId)

	if err != nil {
		return *new(ChannelsChannelView), err
	}

	out0 := *abi.ConvertType(out[0], new(ChannelsChannelView)).(*ChannelsChannelView)

	return out0, err

}

// Channel is a free data retrieval call binding the contract method 0xb7d9c80e.
//
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,address,uint128,uint128))
func (_Channels *ChannelsSession) Channel(channelId [32]byte) (ChannelsChannelView, error) {
	return _Channels.Contract.Channel(&_Channels.CallOpts, channelId)
}

// Channel is a free data retrieval call binding the contract method 0xb7d9c80e.
//
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,address,uint128,uint128))
func (_Channels *ChannelsCallerSession) Channel(channelId [32]byte) (ChannelsChannelView, error) {
	return _Channels.Contract.Channel(&_Channels.CallOpts, channelId)
}

// Eip712Domain is a free data retrieval call binding the contract method 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (_Channels *ChannelsCaller) Eip712Domain(opts *bind.CallOpts) (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "eip712Domain")

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
func (_Channels *ChannelsSession) Eip712Domain() (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	return _Channels.Contract.Eip712Domain(&_Channels.CallOpts)
}

// Eip712Domain is a free data retrieval call binding the contract method 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (_Channels *ChannelsCallerSession) Eip712Domain() (struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}, error) {
	return _Channels.Contract.Eip712Domain(&_Channels.CallOpts)
}

// OpenedBy is a free data retrieval call binding the contract method 0x4b51ac07.
//
// Solidity: function openedBy(address ) view returns(uint256)
func (_Channels *ChannelsCaller) OpenedBy(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "openedBy", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// OpenedBy is a free data retrieval call binding the contract method 0x4b51ac07.
//
// Solidity: function openedBy(address ) view returns(uint256)
func (_Channels *ChannelsSession) OpenedBy(arg0 common.Address) (*big.Int, error) {
	return _Channels.Contract.OpenedBy(&_Channels.CallOpts, arg0)
}

// OpenedBy is a free data retrieval call binding the contract method 0x4b51ac07.
//
// Solidity: function openedBy(address ) view returns(uint256)
func (_Channels *ChannelsCallerSession) OpenedBy(arg0 common.Address) (*big.Int, error) {
	return _Channels.Contract.OpenedBy(&_Channels.CallOpts, arg0)
}

// VoucherDigest is a free data retrieval call binding the contract method 0xe55aee26.
//
// Solidity: function voucherDigest(bytes32 channelId, uint256 amount) view returns(bytes32)
func (_Channels *ChannelsCaller) VoucherDigest(opts *bind.CallOpts, channelId [32]byte, amount *big.Int) ([32]byte, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "voucherDigest", channelId, amount)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// VoucherDigest is a free data retrieval call binding the contract method 0xe55aee26.
//
// Solidity: function voucherDigest(bytes32 channelId, uint256 amount) view returns(bytes32)
func (_Channels *ChannelsSession) VoucherDigest(channelId [32]byte, amount *big.Int) ([32]byte, error) {
	return _Channels.Contract.VoucherDigest(&_Channels.CallOpts, channelId, amount)
}

// VoucherDigest is a free data retrieval call binding the contract method 0xe55aee26.
//
// Solidity: function voucherDigest(bytes32 channelId, uint256 amount) view returns(bytes32)
func (_Channels *ChannelsCallerSession) VoucherDigest(channelId [32]byte, amount *big.Int) ([32]byte, error) {
	return _Channels.Contract.VoucherDigest(&_Channels.CallOpts, channelId, amount)
}

// Claim is a paid mutator transaction binding the contract method 0x7964ea87.
//
// Solidity: function claim(bytes32 channelId, uint256 amount, bytes signature) returns()
func (_Channels *ChannelsTransactor) Claim(opts *bind.TransactOpts, channelId [32]byte, amount *big.Int, signature []byte) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "claim", channelId, amount, signature)
}

// Claim is a paid mutator transaction binding the contract method 0x7964ea87.
//
// Solidity: function claim(bytes32 channelId, uint256 amount, bytes signature) returns()
func (_Channels *ChannelsSession) Claim(channelId [32]byte, amount *big.Int, signature []byte) (*types.Transaction, error) {
	return _Channels.Contract.Claim(&_Channels.TransactOpts, channelId, amount, signature)
}

// Claim is a paid mutator transaction binding the contract method 0x7964ea87.
//
// Solidity: function claim(bytes32 channelId, uint256 amount, bytes signature) returns()
func (_Channels *ChannelsTransactorSession) Claim(channelId [32]byte, amount *big.Int, signature []byte) (*types.Transaction, error) {
	return _Channels.Contract.Claim(&_Channels.TransactOpts, channelId, amount, signature)
}

// ClaimMany is a paid mutator transaction binding the contract method 0x9eb80184.
//
// Solidity: function claimMany((bytes32,uint256,bytes)[] claims) returns()
func (_Channels *ChannelsTransactor) ClaimMany(opts *bind.TransactOpts, claims []ChannelsClaim) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "claimMany", claims)
}

// ClaimMany is a paid mutator transaction binding the contract method 0x9eb80184.
//
// Solidity: function claimMany((bytes32,uint256,bytes)[] claims) returns()
func (_Channels *ChannelsSession) ClaimMany(claims []ChannelsClaim) (*types.Transaction, error) {
	return _Channels.Contract.ClaimMany(&_Channels.TransactOpts, claims)
}

// ClaimMany is a paid mutator transaction binding the contract method 0x9eb80184.
//
// Solidity: function claimMany((bytes32,uint256,bytes)[] claims) returns()
func (_Channels *ChannelsTransactorSession) ClaimMany(claims []ChannelsClaim) (*types.Transaction, error) {
	return _Channels.Contract.ClaimMany(&_Channels.TransactOpts, claims)
}

// Extend is a paid mutator transaction binding the contract method 0xc991a24b.
//
// Solidity: function extend(bytes32 channelId, uint64 expiry) returns()
func (_Channels *ChannelsTransactor) Extend(opts *bind.TransactOpts, channelId [32]byte, expiry uint64) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "extend", channelId, expiry)
}

// Extend is a paid mutator transaction binding the contract method 0xc991a24b.
//
// Solidity: function extend(bytes32 channelId, uint64 expiry) returns()
func (_Channels *ChannelsSession) Extend(channelId [32]byte, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.Extend(&_Channels.TransactOpts, channelId, expiry)
}

// Extend is a paid mutator transaction binding the contract method 0xc991a24b.
//
// Solidity: function extend(bytes32 channelId, uint64 expiry) returns()
func (_Channels *ChannelsTransactorSession) Extend(channelId [32]byte, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.Extend(&_Channels.TransactOpts, channelId, expiry)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns(bytes32 channelId)
func (_Channels *ChannelsTransactor) Open(opts *bind.TransactOpts, signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "open", signer, payee, expiry)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns(bytes32 channelId)
func (_Channels *ChannelsSession) Open(signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.Open(&_Channels.TransactOpts, signer, payee, expiry)
}

// Open is a paid mutator transaction binding the contract method 0xfec9988c.
//
// Solidity: function open(address signer, address payee, uint64 expiry) payable returns(bytes32 channelId)
func (_Channels *ChannelsTransactorSession) Open(signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.Open(&_Channels.TransactOpts, signer, payee, expiry)
}

// OpenMany is a paid mutator transaction binding the contract method 0xddcb2dc4.
//
// Solidity: function openMany(address[] signers, uint256[] deposits, address payee, uint64 expiry) payable returns(bytes32[] channelIds)
func (_Channels *ChannelsTransactor) OpenMany(opts *bind.TransactOpts, signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "openMany", signers, deposits, payee, expiry)
}

// OpenMany is a paid mutator transaction binding the contract method 0xddcb2dc4.
//
// Solidity: function openMany(address[] signers, uint256[] deposits, address payee, uint64 expiry) payable returns(bytes32[] channelIds)
func (_Channels *ChannelsSession) OpenMany(signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenMany(&_Channels.TransactOpts, signers, deposits, payee, expiry)
}

// OpenMany is a paid mutator transaction binding the contract method 0xddcb2dc4.
//
// Solidity: function openMany(address[] signers, uint256[] deposits, address payee, uint64 expiry) payable returns(bytes32[] channelIds)
func (_Channels *ChannelsTransactorSession) OpenMany(signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenMany(&_Channels.TransactOpts, signers, deposits, payee, expiry)
}

// OpenManyToken is a paid mutator transaction binding the contract method 0x79060ee4.
//
// Solidity: function openManyToken(address token, address[] signers, uint256[] deposits, address payee, uint64 expiry) returns(bytes32[] channelIds)
func (_Channels *ChannelsTransactor) OpenManyToken(opts *bind.TransactOpts, token common.Address, signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "openManyToken", token, signers, deposits, payee, expiry)
}

// OpenManyToken is a paid mutator transaction binding the contract method 0x79060ee4.
//
// Solidity: function openManyToken(address token, address[] signers, uint256[] deposits, address payee, uint64 expiry) returns(bytes32[] channelIds)
func (_Channels *ChannelsSession) OpenManyToken(token common.Address, signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenManyToken(&_Channels.TransactOpts, token, signers, deposits, payee, expiry)
}

// OpenManyToken is a paid mutator transaction binding the contract method 0x79060ee4.
//
// Solidity: function openManyToken(address token, address[] signers, uint256[] deposits, address payee, uint64 expiry) returns(bytes32[] channelIds)
func (_Channels *ChannelsTransactorSession) OpenManyToken(token common.Address, signers []common.Address, deposits []*big.Int, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenManyToken(&_Channels.TransactOpts, token, signers, deposits, payee, expiry)
}

// OpenToken is a paid mutator transaction binding the contract method 0x112bc8af.
//
// Solidity: function openToken(address token, uint256 amount, address signer, address payee, uint64 expiry) returns(bytes32 channelId)
func (_Channels *ChannelsTransactor) OpenToken(opts *bind.TransactOpts, token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "openToken", token, amount, signer, payee, expiry)
}

// OpenToken is a paid mutator transaction binding the contract method 0x112bc8af.
//
// Solidity: function openToken(address token, uint256 amount, address signer, address payee, uint64 expiry) returns(bytes32 channelId)
func (_Channels *ChannelsSession) OpenToken(token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenToken(&_Channels.TransactOpts, token, amount, signer, payee, expiry)
}

// OpenToken is a paid mutator transaction binding the contract method 0x112bc8af.
//
// Solidity: function openToken(address token, uint256 amount, address signer, address payee, uint64 expiry) returns(bytes32 channelId)
func (_Channels *ChannelsTransactorSession) OpenToken(token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64) (*types.Transaction, error) {
	return _Channels.Contract.OpenToken(&_Channels.TransactOpts, token, amount, signer, payee, expiry)
}

// OpenWithPermit is a paid mutator transaction binding the contract method 0x1eeebcf0.
//
// Solidity: function openWithPermit(address token, uint256 amount, address signer, address payee, uint64 expiry, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (_Channels *ChannelsTransactor) OpenWithPermit(opts *bind.TransactOpts, token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "openWithPermit", token, amount, signer, payee, expiry, deadline, v, r, s)
}

// OpenWithPermit is a paid mutator transaction binding the contract method 0x1eeebcf0.
//
// Solidity: function openWithPermit(address token, uint256 amount, address signer, address payee, uint64 expiry, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (_Channels *ChannelsSession) OpenWithPermit(token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.OpenWithPermit(&_Channels.TransactOpts, token, amount, signer, payee, expiry, deadline, v, r, s)
}

// OpenWithPermit is a paid mutator transaction binding the contract method 0x1eeebcf0.
//
// Solidity: function openWithPermit(address token, uint256 amount, address signer, address payee, uint64 expiry, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (_Channels *ChannelsTransactorSession) OpenWithPermit(token common.Address, amount *big.Int, signer common.Address, payee common.Address, expiry uint64, deadline *big.Int, v uint8, r [32]byte, s [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.OpenWithPermit(&_Channels.TransactOpts, token, amount, signer, payee, expiry, deadline, v, r, s)
}

// Reclaim is a paid mutator transaction binding the contract method 0x96afb365.
//
// Solidity: function reclaim(bytes32 channelId) returns()
func (_Channels *ChannelsTransactor) Reclaim(opts *bind.TransactOpts, channelId [32]byte) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "reclaim", channelId)
}

// Reclaim is a paid mutator transaction binding the contract method 0x96afb365.
//
// Solidity: function reclaim(bytes32 channelId) returns()
func (_Channels *ChannelsSession) Reclaim(channelId [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.Reclaim(&_Channels.TransactOpts, channelId)
}

// Reclaim is a paid mutator transaction binding the contract method 0x96afb365.
//
// Solidity: function reclaim(bytes32 channelId) returns()
func (_Channels *ChannelsTransactorSession) Reclaim(channelId [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.Reclaim(&_Channels.TransactOpts, channelId)
}

// TopUp is a paid mutator transaction binding the contract method 0xcfa54f39.
//
// Solidity: function topUp(bytes32 channelId) payable returns()
func (_Channels *ChannelsTransactor) TopUp(opts *bind.TransactOpts, channelId [32]byte) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "topUp", channelId)
}

// TopUp is a paid mutator transaction binding the contract method 0xcfa54f39.
//
// Solidity: function topUp(bytes32 channelId) payable returns()
func (_Channels *ChannelsSession) TopUp(channelId [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.TopUp(&_Channels.TransactOpts, channelId)
}

// TopUp is a paid mutator transaction binding the contract method 0xcfa54f39.
//
// Solidity: function topUp(bytes32 channelId) payable returns()
func (_Channels *ChannelsTransactorSession) TopUp(channelId [32]byte) (*types.Transaction, error) {
	return _Channels.Contract.TopUp(&_Channels.TransactOpts, channelId)
}

// TopUpToken is a paid mutator transaction binding the contract method 0x44a90466.
//
// Solidity: function topUpToken(bytes32 channelId, uint256 amount) returns()
func (_Channels *ChannelsTransactor) TopUpToken(opts *bind.TransactOpts, channelId [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _Channels.contract.Transact(opts, "topUpToken", channelId, amount)
}

// TopUpToken is a paid mutator transaction binding the contract method 0x44a90466.
//
// Solidity: function topUpToken(bytes32 channelId, uint256 amount) returns()
func (_Channels *ChannelsSession) TopUpToken(channelId [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _Channels.Contract.TopUpToken(&_Channels.TransactOpts, channelId, amount)
}

// TopUpToken is a paid mutator transaction binding the contract method 0x44a90466.
//
// Solidity: function topUpToken(bytes32 channelId, uint256 amount) returns()
func (_Channels *ChannelsTransactorSession) TopUpToken(channelId [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _Channels.Contract.TopUpToken(&_Channels.TransactOpts, channelId, amount)
}

// ChannelsClaimSkippedIterator is returned from FilterClaimSkipped and is used to iterate over the raw logs and unpacked data for ClaimSkipped events raised by the Channels contract.
type ChannelsClaimSkippedIterator struct {
	Event *ChannelsClaimSkipped // Event containing the contract specifics and raw log

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
func (it *ChannelsClaimSkippedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsClaimSkipped)
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
		it.Event = new(ChannelsClaimSkipped)
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
func (it *ChannelsClaimSkippedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsClaimSkippedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsClaimSkipped represents a ClaimSkipped event raised by the Channels contract.
type ChannelsClaimSkipped struct {
	ChannelId [32]byte
	Reason    [4]byte
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterClaimSkipped is a free log retrieval operation binding the contract event 0xac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29.
//
// Solidity: event ClaimSkipped(bytes32 indexed channelId, bytes4 reason)
func (_Channels *ChannelsFilterer) FilterClaimSkipped(opts *bind.FilterOpts, channelId [][32]byte) (*ChannelsClaimSkippedIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "ClaimSkipped", channelIdRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsClaimSkippedIterator{contract: _Channels.contract, event: "ClaimSkipped", logs: logs, sub: sub}, nil
}

// WatchClaimSkipped is a free log subscription operation binding the contract event 0xac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29.
//
// Solidity: event ClaimSkipped(bytes32 indexed channelId, bytes4 reason)
func (_Channels *ChannelsFilterer) WatchClaimSkipped(opts *bind.WatchOpts, sink chan<- *ChannelsClaimSkipped, channelId [][32]byte) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "ClaimSkipped", channelIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsClaimSkipped)
				if err := _Channels.contract.UnpackLog(event, "ClaimSkipped", log); err != nil {
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

// ParseClaimSkipped is a log parse operation binding the contract event 0xac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29.
//
// Solidity: event ClaimSkipped(bytes32 indexed channelId, bytes4 reason)
func (_Channels *ChannelsFilterer) ParseClaimSkipped(log types.Log) (*ChannelsClaimSkipped, error) {
	event := new(ChannelsClaimSkipped)
	if err := _Channels.contract.UnpackLog(event, "ClaimSkipped", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsClaimedIterator is returned from FilterClaimed and is used to iterate over the raw logs and unpacked data for Claimed events raised by the Channels contract.
type ChannelsClaimedIterator struct {
	Event *ChannelsClaimed // Event containing the contract specifics and raw log

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
func (it *ChannelsClaimedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsClaimed)
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
		it.Event = new(ChannelsClaimed)
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
func (it *ChannelsClaimedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsClaimedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsClaimed represents a Claimed event raised by the Channels contract.
type ChannelsClaimed struct {
	ChannelId [32]byte
	Amount    *big.Int
	Paid      *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterClaimed is a free log retrieval operation binding the contract event 0x41628d0ba42442e4aa4fc514eeb97bb7154969e70e6678229c836f3b9732ba90.
//
// Solidity: event Claimed(bytes32 indexed channelId, uint256 amount, uint256 paid)
func (_Channels *ChannelsFilterer) FilterClaimed(opts *bind.FilterOpts, channelId [][32]byte) (*ChannelsClaimedIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "Claimed", channelIdRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsClaimedIterator{contract: _Channels.contract, event: "Claimed", logs: logs, sub: sub}, nil
}

// WatchClaimed is a free log subscription operation binding the contract event 0x41628d0ba42442e4aa4fc514eeb97bb7154969e70e6678229c836f3b9732ba90.
//
// Solidity: event Claimed(bytes32 indexed channelId, uint256 amount, uint256 paid)
func (_Channels *ChannelsFilterer) WatchClaimed(opts *bind.WatchOpts, sink chan<- *ChannelsClaimed, channelId [][32]byte) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "Claimed", channelIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsClaimed)
				if err := _Channels.contract.UnpackLog(event, "Claimed", log); err != nil {
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

// ParseClaimed is a log parse operation binding the contract event 0x41628d0ba42442e4aa4fc514eeb97bb7154969e70e6678229c836f3b9732ba90.
//
// Solidity: event Claimed(bytes32 indexed channelId, uint256 amount, uint256 paid)
func (_Channels *ChannelsFilterer) ParseClaimed(log types.Log) (*ChannelsClaimed, error) {
	event := new(ChannelsClaimed)
	if err := _Channels.contract.UnpackLog(event, "Claimed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsEIP712DomainChangedIterator is returned from FilterEIP712DomainChanged and is used to iterate over the raw logs and unpacked data for EIP712DomainChanged events raised by the Channels contract.
type ChannelsEIP712DomainChangedIterator struct {
	Event *ChannelsEIP712DomainChanged // Event containing the contract specifics and raw log

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
func (it *ChannelsEIP712DomainChangedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsEIP712DomainChanged)
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
		it.Event = new(ChannelsEIP712DomainChanged)
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
func (it *ChannelsEIP712DomainChangedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsEIP712DomainChangedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsEIP712DomainChanged represents a EIP712DomainChanged event raised by the Channels contract.
type ChannelsEIP712DomainChanged struct {
	Raw types.Log // Blockchain specific contextual infos
}

// FilterEIP712DomainChanged is a free log retrieval operation binding the contract event 0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31.
//
// Solidity: event EIP712DomainChanged()
func (_Channels *ChannelsFilterer) FilterEIP712DomainChanged(opts *bind.FilterOpts) (*ChannelsEIP712DomainChangedIterator, error) {

	logs, sub, err := _Channels.contract.FilterLogs(opts, "EIP712DomainChanged")
	if err != nil {
		return nil, err
	}
	return &ChannelsEIP712DomainChangedIterator{contract: _Channels.contract, event: "EIP712DomainChanged", logs: logs, sub: sub}, nil
}

// WatchEIP712DomainChanged is a free log subscription operation binding the contract event 0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31.
//
// Solidity: event EIP712DomainChanged()
func (_Channels *ChannelsFilterer) WatchEIP712DomainChanged(opts *bind.WatchOpts, sink chan<- *ChannelsEIP712DomainChanged) (event.Subscription, error) {

	logs, sub, err := _Channels.contract.WatchLogs(opts, "EIP712DomainChanged")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsEIP712DomainChanged)
				if err := _Channels.contract.UnpackLog(event, "EIP712DomainChanged", log); err != nil {
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
func (_Channels *ChannelsFilterer) ParseEIP712DomainChanged(log types.Log) (*ChannelsEIP712DomainChanged, error) {
	event := new(ChannelsEIP712DomainChanged)
	if err := _Channels.contract.UnpackLog(event, "EIP712DomainChanged", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsExtendedIterator is returned from FilterExtended and is used to iterate over the raw logs and unpacked data for Extended events raised by the Channels contract.
type ChannelsExtendedIterator struct {
	Event *ChannelsExtended // Event containing the contract specifics and raw log

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
func (it *ChannelsExtendedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsExtended)
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
		it.Event = new(ChannelsExtended)
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
func (it *ChannelsExtendedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsExtendedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsExtended represents a Extended event raised by the Channels contract.
type ChannelsExtended struct {
	ChannelId [32]byte
	Expiry    uint64
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterExtended is a free log retrieval operation binding the contract event 0x4dd290613cb329e3940281abf7994377a3e4b90baea31ab97f6a9bb32145d695.
//
// Solidity: event Extended(bytes32 indexed channelId, uint64 expiry)
func (_Channels *ChannelsFilterer) FilterExtended(opts *bind.FilterOpts, channelId [][32]byte) (*ChannelsExtendedIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "Extended", channelIdRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsExtendedIterator{contract: _Channels.contract, event: "Extended", logs: logs, sub: sub}, nil
}

// WatchExtended is a free log subscription operation binding the contract event 0x4dd290613cb329e3940281abf7994377a3e4b90baea31ab97f6a9bb32145d695.
//
// Solidity: event Extended(bytes32 indexed channelId, uint64 expiry)
func (_Channels *ChannelsFilterer) WatchExtended(opts *bind.WatchOpts, sink chan<- *ChannelsExtended, channelId [][32]byte) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "Extended", channelIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsExtended)
				if err := _Channels.contract.UnpackLog(event, "Extended", log); err != nil {
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

// ParseExtended is a log parse operation binding the contract event 0x4dd290613cb329e3940281abf7994377a3e4b90baea31ab97f6a9bb32145d695.
//
// Solidity: event Extended(bytes32 indexed channelId, uint64 expiry)
func (_Channels *ChannelsFilterer) ParseExtended(log types.Log) (*ChannelsExtended, error) {
	event := new(ChannelsExtended)
	if err := _Channels.contract.UnpackLog(event, "Extended", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsOpenedIterator is returned from FilterOpened and is used to iterate over the raw logs and unpacked data for Opened events raised by the Channels contract.
type ChannelsOpenedIterator struct {
	Event *ChannelsOpened // Event containing the contract specifics and raw log

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
func (it *ChannelsOpenedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsOpened)
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
		it.Event = new(ChannelsOpened)
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
func (it *ChannelsOpenedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsOpenedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsOpened represents a Opened event raised by the Channels contract.
type ChannelsOpened struct {
	ChannelId [32]byte
	Funder    common.Address
	Payee     common.Address
	Signer    common.Address
	Token     common.Address
	Expiry    uint64
	Deposit   *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterOpened is a free log retrieval operation binding the contract event 0xa2791d4affb5e7d8509b2bad4191e721ad8a2f343e896f8967e868bc41831afe.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, address token, uint64 expiry, uint256 deposit)
func (_Channels *ChannelsFilterer) FilterOpened(opts *bind.FilterOpts, channelId [][32]byte, funder []common.Address, payee []common.Address) (*ChannelsOpenedIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}
	var funderRule []interface{}
	for _, funderItem := range funder {
		funderRule = append(funderRule, funderItem)
	}
	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "Opened", channelIdRule, funderRule, payeeRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsOpenedIterator{contract: _Channels.contract, event: "Opened", logs: logs, sub: sub}, nil
}

// WatchOpened is a free log subscription operation binding the contract event 0xa2791d4affb5e7d8509b2bad4191e721ad8a2f343e896f8967e868bc41831afe.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, address token, uint64 expiry, uint256 deposit)
func (_Channels *ChannelsFilterer) WatchOpened(opts *bind.WatchOpts, sink chan<- *ChannelsOpened, channelId [][32]byte, funder []common.Address, payee []common.Address) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}
	var funderRule []interface{}
	for _, funderItem := range funder {
		funderRule = append(funderRule, funderItem)
	}
	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "Opened", channelIdRule, funderRule, payeeRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsOpened)
				if err := _Channels.contract.UnpackLog(event, "Opened", log); err != nil {
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

// ParseOpened is a log parse operation binding the contract event 0xa2791d4affb5e7d8509b2bad4191e721ad8a2f343e896f8967e868bc41831afe.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, address token, uint64 expiry, uint256 deposit)
func (_Channels *ChannelsFilterer) ParseOpened(log types.Log) (*ChannelsOpened, error) {
	event := new(ChannelsOpened)
	if err := _Channels.contract.UnpackLog(event, "Opened", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsReclaimedIterator is returned from FilterReclaimed and is used to iterate over the raw logs and unpacked data for Reclaimed events raised by the Channels contract.
type ChannelsReclaimedIterator struct {
	Event *ChannelsReclaimed // Event containing the contract specifics and raw log

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
func (it *ChannelsReclaimedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsReclaimed)
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
		it.Event = new(ChannelsReclaimed)
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
func (it *ChannelsReclaimedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsReclaimedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsReclaimed represents a Reclaimed event raised by the Channels contract.
type ChannelsReclaimed struct {
	ChannelId [32]byte
	Refund    *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterReclaimed is a free log retrieval operation binding the contract event 0x4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b.
//
// Solidity: event Reclaimed(bytes32 indexed channelId, uint256 refund)
func (_Channels *ChannelsFilterer) FilterReclaimed(opts *bind.FilterOpts, channelId [][32]byte) (*ChannelsReclaimedIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "Reclaimed", channelIdRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsReclaimedIterator{contract: _Channels.contract, event: "Reclaimed", logs: logs, sub: sub}, nil
}

// WatchReclaimed is a free log subscription operation binding the contract event 0x4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b.
//
// Solidity: event Reclaimed(bytes32 indexed channelId, uint256 refund)
func (_Channels *ChannelsFilterer) WatchReclaimed(opts *bind.WatchOpts, sink chan<- *ChannelsReclaimed, channelId [][32]byte) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "Reclaimed", channelIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsReclaimed)
				if err := _Channels.contract.UnpackLog(event, "Reclaimed", log); err != nil {
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

// ParseReclaimed is a log parse operation binding the contract event 0x4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b.
//
// Solidity: event Reclaimed(bytes32 indexed channelId, uint256 refund)
func (_Channels *ChannelsFilterer) ParseReclaimed(log types.Log) (*ChannelsReclaimed, error) {
	event := new(ChannelsReclaimed)
	if err := _Channels.contract.UnpackLog(event, "Reclaimed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// ChannelsToppedUpIterator is returned from FilterToppedUp and is used to iterate over the raw logs and unpacked data for ToppedUp events raised by the Channels contract.
type ChannelsToppedUpIterator struct {
	Event *ChannelsToppedUp // Event containing the contract specifics and raw log

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
func (it *ChannelsToppedUpIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ChannelsToppedUp)
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
		it.Event = new(ChannelsToppedUp)
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
func (it *ChannelsToppedUpIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ChannelsToppedUpIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ChannelsToppedUp represents a ToppedUp event raised by the Channels contract.
type ChannelsToppedUp struct {
	ChannelId [32]byte
	Amount    *big.Int
	Deposit   *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterToppedUp is a free log retrieval operation binding the contract event 0x2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec4480524.
//
// Solidity: event ToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit)
func (_Channels *ChannelsFilterer) FilterToppedUp(opts *bind.FilterOpts, channelId [][32]byte) (*ChannelsToppedUpIterator, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.FilterLogs(opts, "ToppedUp", channelIdRule)
	if err != nil {
		return nil, err
	}
	return &ChannelsToppedUpIterator{contract: _Channels.contract, event: "ToppedUp", logs: logs, sub: sub}, nil
}

// WatchToppedUp is a free log subscription operation binding the contract event 0x2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec4480524.
//
// Solidity: event ToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit)
func (_Channels *ChannelsFilterer) WatchToppedUp(opts *bind.WatchOpts, sink chan<- *ChannelsToppedUp, channelId [][32]byte) (event.Subscription, error) {

	var channelIdRule []interface{}
	for _, channelIdItem := range channelId {
		channelIdRule = append(channelIdRule, channelIdItem)
	}

	logs, sub, err := _Channels.contract.WatchLogs(opts, "ToppedUp", channelIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ChannelsToppedUp)
				if err := _Channels.contract.UnpackLog(event, "ToppedUp", log); err != nil {
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

// ParseToppedUp is a log parse operation binding the contract event 0x2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec4480524.
//
// Solidity: event ToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit)
func (_Channels *ChannelsFilterer) ParseToppedUp(log types.Log) (*ChannelsToppedUp, error) {
	event := new(ChannelsToppedUp)
	if err := _Channels.contract.UnpackLog(event, "ToppedUp", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
