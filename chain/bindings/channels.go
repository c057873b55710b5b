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

// ChannelsChannel is an auto generated low-level Go binding around an user-defined struct.
type ChannelsChannel struct {
	Funder  common.Address
	Signer  common.Address
	Expiry  uint64
	Payee   common.Address
	Deposit *big.Int
	Claimed *big.Int
}

// ChannelsMetaData contains all meta data concerning the Channels contract.
var ChannelsMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"AboveDeposit\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChannelExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ChannelNotExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"DepositTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ECDSAInvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"ECDSAInvalidSignatureLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"ECDSAInvalidSignatureS\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ExpiryNotLater\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotFunder\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPayee\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimed\",\"type\":\"uint256\"}],\"name\":\"NothingToClaim\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"UnknownChannel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"recovered\",\"type\":\"address\"}],\"name\":\"WrongSigner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDeposit\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"Extended\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"funder\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"Opened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refund\",\"type\":\"uint256\"}],\"name\":\"Reclaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"ToppedUp\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"VOUCHER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"channel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"funder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"deposit\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"claimed\",\"type\":\"uint128\"}],\"internalType\":\"structChannels.Channel\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"extend\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"open\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"openedBy\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"reclaim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"topUp\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"voucherDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x610160604052348015610010575f5ffd5b5060408051808201825260088152676c6976656761746560c01b602080830191909152825180840190935260018352603160f81b9083015290610053825f6100fc565b610120526100628160016100fc565b61014052815160208084019190912060e052815190820120610100524660a0526100ee60e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c05261032d565b5f602083511015610117576101108361012e565b9050610128565b816101228482610217565b5060ff90505b92915050565b5f5f829050601f81511115610161578260405163305a27a960e01b815260040161015891906102d5565b60405180910390fd5b805161016c8261030a565b179392505050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061019c57607f821691505b6020821081036101ba57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610212578282111561021257805f5260205f20601f840160051c60208510156101eb57505f5b90810190601f840160051c035f5b8181101561020e575f838201556001016101f9565b5050505b505050565b81516001600160401b0381111561023057610230610174565b6102448161023e8454610188565b846101c0565b6020601f821160018114610276575f831561025f5750848201515b5f19600385901b1c1916600184901b1784556102ce565b5f84815260208120601f198516915b828110156102a55787850151825560209485019460019092019101610285565b50848210156102c257868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b805160208083015191908110156101ba575f1960209190910360031b1b16919050565b60805160a05160c05160e05161010051610120516101405161151461037e5f395f610d5701525f610d2601525f6110a001525f61107801525f610fd301525f610ffd01525f61102701526115145ff3fe60806040526004361061008f575f3560e01c8063b7d9c80e11610057578063b7d9c80e1461016b578063c991a24b146102a4578063cfa54f39146102c3578063e55aee26146102d6578063fec9988c146102f5575f5ffd5b80634b51ac07146100935780637964ea87146100d157806384b0196e146100f257806394739e871461011957806396afb3651461014c575b5f5ffd5b34801561009e575f5ffd5b506100be6100ad366004611232565b60036020525f908152604090205481565b6040519081526020015b60405180910390f35b3480156100dc575f5ffd5b506100f06100eb36600461124b565b610308565b005b3480156100fd575f5ffd5b5061010661058c565b6040516100c897969594939291906112f3565b348015610124575f5ffd5b506100be7ff23ca052209b228f18e6af20dc64ab34698ce1acc52d94b2a5ef4e8cc6faee4481565b348015610157575f5ffd5b506100f0610166366004611389565b6105ce565b348015610176575f5ffd5b50610235610185366004611389565b6040805160c0810182525f80825260208201819052918101829052606081018290526080810182905260a0810191909152505f90815260026020818152604092839020835160c08101855281546001600160a01b039081168252600183015480821694830194909452600160a01b9093046001600160401b03169481019490945291820154166060830152600301546001600160801b038082166080840152600160801b9091041660a082015290565b6040516100c8919081516001600160a01b0390811682526020808401518216908301526040808401516001600160401b031690830152606080840151909116908201526080808301516001600160801b039081169183019190915260a092830151169181019190915260c00190565b3480156102af575f5ffd5b506100f06102be3660046113b6565b610707565b6100f06102d1366004611389565b6107e8565b3480156102e1575f5ffd5b506100be6102f03660046113e0565b6108ec565b6100be610303366004611400565b610950565b610310610c5e565b5f848152600260208190526040909120908101546001600160a01b03168061034b57604051633e8c79ed60e11b815260040160405180910390fd5b336001600160a01b03821614610374576040516356cab67b60e01b815260040160405180910390fd5b6001820154600160a01b90046001600160401b031642106103a857604051635faa867760e11b815260040160405180910390fd5b60038201546001600160801b0380821691600160801b900416818711156103f15760405163ca51bd4560e01b815260048101889052602481018390526044015b60405180910390fd5b80871161041b5760405163db2e106360e01b815260048101889052602481018290526044016103e8565b5f6104646104298a8a6108ec565b88888080601f0160208091040260200160405190810160405280939291908181526020018383808284375f92019190915250610ccd92505050565b60018601549091506001600160a01b038083169116146104a257604051631960afe160e11b81526001600160a01b03821660048201526024016103e8565b6003850180546001600160801b03808b16600160801b0291161790555f6104c9838a611454565b604080518b8152602081018390529192508b917f41628d0ba42442e4aa4fc514eeb97bb7154969e70e6678229c836f3b9732ba90910160405180910390a25f856001600160a01b0316826040515f6040518083038185875af1925050503d805f8114610550576040519150601f19603f3d011682016040523d82523d5f602084013e610555565b606091505b5050905080610577576040516312171d8360e31b815260040160405180910390fd5b50505050505050610586610cf5565b50505050565b5f6060805f5f5f606061059d610d1f565b6105a5610d50565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b6105d6610c5e565b5f6105e082610d7d565b6001810154909150600160a01b90046001600160401b03164210156106185760405163d56b7c9760e01b815260040160405180910390fd5b60038101545f9061063b906001600160801b03600160801b820481169116611454565b6003830180546001600160801b0316600160801b810217905560405181815290915083907f4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b9060200160405180910390a280156106fa576040515f90339083908381818185875af1925050503d805f81146106d1576040519150601f19603f3d011682016040523d82523d5f602084013e6106d6565b606091505b50509050806106f8576040516312171d8360e31b815260040160405180910390fd5b505b5050610704610cf5565b50565b5f61071183610d7d565b6001810154909150600160a01b90046001600160401b0316421061074857604051635faa867760e11b815260040160405180910390fd5b60018101546001600160401b03600160a01b9091048116908316116107805760405163269936d360e11b815260040160405180910390fd5b60018101805467ffffffffffffffff60a01b1916600160a01b6001600160401b0385169081029190911790915560405190815283907f4dd290613cb329e3940281abf7994377a3e4b90baea31ab97f6a9bb32145d695906020015b60405180910390a2505050565b5f6107f282610d7d565b6001810154909150600160a01b90046001600160401b0316421061082957604051635faa867760e11b815260040160405180910390fd5b345f03610849576040516356316e8760e01b815260040160405180910390fd5b60038101545f906108649034906001600160801b0316611467565b90506001600160801b0381111561088e5760405163c56d46d360e01b815260040160405180910390fd5b6003820180546fffffffffffffffffffffffffffffffff19166001600160801b038316179055604080513481526020810183905284917f2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec448052491016107db565b604080517ff23ca052209b228f18e6af20dc64ab34698ce1acc52d94b2a5ef4e8cc6faee446020820152908101839052606081018290525f906109479060800160405160208183030381529060405280519060200120610de6565b90505b92915050565b5f6001600160a01b038416158061096e57506001600160a01b038316155b1561098c5760405163d92e233d60e01b815260040160405180910390fd5b345f036109ac576040516356316e8760e01b815260040160405180910390fd5b6001600160801b033411156109d45760405163c56d46d360e01b815260040160405180910390fd5b42826001600160401b0316116109fd5760405163269936d360e11b815260040160405180910390fd5b335f818152600360205260408120805446933093909290610a1d8361147a565b909155506040805160208101959095526001600160a01b039384169085015291166060830152608082015260a0016040516020818303038152906040528051906020012090506040518060c00160405280336001600160a01b03168152602001856001600160a01b03168152602001836001600160401b03168152602001846001600160a01b03168152602001346001600160801b031681526020015f6001600160801b031681525060025f8381526020019081526020015f205f820151815f015f6101000a8154816001600160a01b0302191690836001600160a01b031602179055506020820151816001015f6101000a8154816001600160a01b0302191690836001600160a01b0316021790555060408201518160010160146101000a8154816001600160401b0302191690836001600160401b031602179055506060820151816002015f6101000a8154816001600160a01b0302191690836001600160a01b031602179055506080820151816003015f6101000a8154816001600160801b0302191690836001600160801b0316021790555060a08201518160030160106101000a8154816001600160801b0302191690836001600160801b03160217905550905050826001600160a01b0316336001600160a01b0316827f61a2c016b568c22f28d4a80d50b66d4339ff5291c2aa64bdf87230d1e45038bf878634604051610c4f939291906001600160a01b039390931683526001600160401b03919091166020830152604082015260600190565b60405180910390a49392505050565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c15610c9e57604051633ee5aeb560e01b815260040160405180910390fd5b610ccb60017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005b90610e12565b565b5f5f5f5f610cdb8686610e19565b925092509250610ceb8282610e62565b5090949350505050565b610ccb5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00610cc5565b6060610d4b7f00000000000000000000000000000000000000000000000000000000000000005f610f1e565b905090565b6060610d4b7f00000000000000000000000000000000000000000000000000000000000000006001610f1e565b5f818152600260208190526040909120908101546001600160a01b0316610db757604051633e8c79ed60e11b815260040160405180910390fd5b80546001600160a01b03163314610de1576040516352cc575f60e11b815260040160405180910390fd5b919050565b5f61094a610df2610fc7565b8360405161190160f01b8152600281019290925260228201526042902090565b80825d5050565b5f5f5f8351604103610e50576020840151604085015160608601515f1a610e42888285856110f0565b955095509550505050610e5b565b505081515f91506002905b9250925092565b5f826003811115610e7557610e75611492565b03610e7e575050565b6001826003811115610e9257610e92611492565b03610eb05760405163f645eedf60e01b815260040160405180910390fd5b6002826003811115610ec457610ec4611492565b03610ee55760405163fce698f760e01b8152600481018290526024016103e8565b6003826003811115610ef957610ef9611492565b03610f1a576040516335e2f38360e21b8152600481018290526024016103e8565b5050565b606060ff8314610f3857610f31836111b8565b905061094a565b818054610f44906114a6565b80601f0160208091040260200160405190810160405280929190818152602001828054610f70906114a6565b8015610fbb5780601f10610f9257610100808354040283529160200191610fbb565b820191905f5260205f20905b815481529060010190602001808311610f9e57829003601f168201915b5050505050905061094a565b5f306001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801561101f57507f000000000000000000000000000000000000000000000000000000000000000046145b1561104957507f000000000000000000000000000000000000000000000000000000000000000090565b610d4b604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084111561112957505f915060039050826111ae565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa15801561117a573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b0381166111a557505f9250600191508290506111ae565b92505f91508190505b9450945094915050565b60605f6111c4836111f5565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f60ff8216601f81111561094a57604051632cd44ac360e21b815260040160405180910390fd5b80356001600160a01b0381168114610de1575f5ffd5b5f60208284031215611242575f5ffd5b6109478261121c565b5f5f5f5f6060858703121561125e575f5ffd5b843593506020850135925060408501356001600160401b03811115611281575f5ffd5b8501601f81018713611291575f5ffd5b80356001600160401b038111156112a6575f5ffd5b8760208284010111156112b7575f5ffd5b949793965060200194505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b60ff60f81b8816815260e060208201525f61131160e08301896112c5565b828103604084015261132381896112c5565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b8181101561137857835183526020938401939092019160010161135a565b50909b9a5050505050505050505050565b5f60208284031215611399575f5ffd5b5035919050565b80356001600160401b0381168114610de1575f5ffd5b5f5f604083850312156113c7575f5ffd5b823591506113d7602084016113a0565b90509250929050565b5f5f604083850312156113f1575f5ffd5b50508035926020909101359150565b5f5f5f60608486031215611412575f5ffd5b61141b8461121c565b92506114296020850161121c565b9150611437604085016113a0565b90509250925092565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561094a5761094a611440565b8082018082111561094a5761094a611440565b5f6001820161148b5761148b611440565b5060010190565b634e487b7160e01b5f52602160045260245ffd5b600181811c908216806114ba57607f821691505b6020821081036114d857634e487b7160e01b5f52602260045260245ffd5b5091905056fea2646970667358221220a43fa7bfdc4f6f84d463ab2b8f23b24582536866694c1f616237b9844aaa32b964736f6c63430008250033",
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
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,uint128,uint128))
func (_Channels *ChannelsCaller) Channel(opts *bind.CallOpts, channelId [32]byte) (ChannelsChannel, error) {
	var out []interface{}
	err := _Channels.contract.Call(opts, &out, "channel", channelId)

	if err != nil {
		return *new(ChannelsChannel), err
	}

	out0 := *abi.ConvertType(out[0], new(ChannelsChannel)).(*ChannelsChannel)

	return out0, err

}

// Channel is a free data retrieval call binding the contract method 0xb7d9c80e.
//
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,uint128,uint128))
func (_Channels *ChannelsSession) Channel(channelId [32]byte) (ChannelsChannel, error) {
	return _Channels.Contract.Channel(&_Channels.CallOpts, channelId)
}

// Channel is a free data retrieval call binding the contract method 0xb7d9c80e.
//
// Solidity: function channel(bytes32 channelId) view returns((address,address,uint64,address,uint128,uint128))
func (_Channels *ChannelsCallerSession) Channel(channelId [32]byte) (ChannelsChannel, error) {
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
	Expiry    uint64
	Deposit   *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterOpened is a free log retrieval operation binding the contract event 0x61a2c016b568c22f28d4a80d50b66d4339ff5291c2aa64bdf87230d1e45038bf.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, uint64 expiry, uint256 deposit)
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

// WatchOpened is a free log subscription operation binding the contract event 0x61a2c016b568c22f28d4a80d50b66d4339ff5291c2aa64bdf87230d1e45038bf.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, uint64 expiry, uint256 deposit)
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

// ParseOpened is a log parse operation binding the contract event 0x61a2c016b568c22f28d4a80d50b66d4339ff5291c2aa64bdf87230d1e45038bf.
//
// Solidity: event Opened(bytes32 indexed channelId, address indexed funder, address indexed payee, address signer, uint64 expiry, uint256 deposit)
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
