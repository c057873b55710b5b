package ipfs

import (
	"crypto/sha256"
	"encoding/binary"
)

// What kubo's `ipfs add` does by default (boxo's importer), with
// --cid-version=1 --raw-leaves: fixed chunks of 256 KiB, each a raw
// block, under a balanced tree of dag-pb UnixFS File nodes of at most 174
// links each.
const (
	chunkSize    = 262144
	maxFileLinks = 174
)

// FileCID is the CID `ipfs add --cid-version=1 --raw-leaves` gives data
// with kubo's default chunker and layout, computed here without a node:
// the origin knows what a segment's CID must be before kubo answers, and
// a CID kubo (or a gateway) reports for the origin's bytes can be checked
// against it. Data of one chunk or less (the empty file too) is a single
// raw block; more is a dag-pb tree built as boxo's balanced layout does.
func FileCID(data []byte) string {
	if len(data) <= chunkSize {
		return CID{Codec: CodecRaw, Digest: sha256.Sum256(data)}.String()
	}
	l := &layout{data: data}
	root := l.leaf()
	for depth := 1; !l.done(); depth++ {
		root = l.fill([]link{root}, depth)
	}
	return root.cid.String()
}

// link is a child as its parent's dag-pb node records it.
type link struct {
	cid   CID
	tsize uint64 // the encoded size of the whole subtree
	fsize uint64 // the file bytes under it
}

// layout hands out the data's chunks in order.
type layout struct {
	data []byte
	pos  int
}

func (l *layout) done() bool { return l.pos >= len(l.data) }

func (l *layout) leaf() link {
	end := min(l.pos+chunkSize, len(l.data))
	chunk := l.data[l.pos:end]
	l.pos = end
	n := uint64(len(chunk))
	return link{cid: CID{Codec: CodecRaw, Digest: sha256.Sum256(chunk)}, tsize: n, fsize: n}
}

// fill adds children of the given depth (leaves at depth 1) after those
// it is given, up to maxFileLinks or the end of the data, and encodes the
// node: boxo's fillNodeRec.
func (l *layout) fill(children []link, depth int) link {
	for len(children) < maxFileLinks && !l.done() {
		if depth == 1 {
			children = append(children, l.leaf())
		} else {
			children = append(children, l.fill(nil, depth-1))
		}
	}
	return fileNode(children)
}

// fileNode encodes a dag-pb node (PBNode: its Links, field 2, before its
// Data, field 1) whose data is a UnixFS File (Type 2, filesize, one
// blocksize per child, unpacked) and whose links carry an empty name, as
// go-merkledag writes them.
func fileNode(children []link) link {
	var fsize, tsize uint64
	var unixfs []byte
	unixfs = append(unixfs, 0x08, 0x02) // Type: File
	for _, c := range children {
		fsize += c.fsize
	}
	unixfs = appendTag(unixfs, 3, 0)
	unixfs = binary.AppendUvarint(unixfs, fsize)
	for _, c := range children {
		unixfs = appendTag(unixfs, 4, 0)
		unixfs = binary.AppendUvarint(unixfs, c.fsize)
	}
	var node []byte
	for _, c := range children {
		var pl []byte
		pl = appendBytes(pl, 1, c.cid.bytes()) // Hash
		pl = appendBytes(pl, 2, nil)           // Name: ""
		pl = appendTag(pl, 3, 0)               // Tsize
		pl = binary.AppendUvarint(pl, c.tsize)
		node = appendBytes(node, 2, pl)
		tsize += c.tsize
	}
	node = appendBytes(node, 1, unixfs)
	return link{
		cid:   CID{Codec: CodecDagPB, Digest: sha256.Sum256(node)},
		tsize: uint64(len(node)) + tsize,
		fsize: fsize,
	}
}

// appendTag appends a protobuf field key.
func appendTag(b []byte, field, wire uint64) []byte {
	return binary.AppendUvarint(b, field<<3|wire)
}

// appendBytes appends a length-delimited protobuf field.
func appendBytes(b []byte, field uint64, v []byte) []byte {
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
