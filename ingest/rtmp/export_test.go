package rtmp

// Chunk writers for the external tests, which speak raw RTMP.
var (
	RawChunk     = rawChunk
	SetChunkSize = setChunkSize
	ConnectBody  = connectBody
)

// Limits the external tests attack.
const (
	MaxCommandSize        = maxCommandSize
	MaxPartialBeforeAdmit = maxPartialBeforeAdmit
	MaxChunkStreams       = maxChunkStreams
)
