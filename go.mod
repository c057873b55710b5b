module github.com/livegate/livegate

go 1.26

require (
	github.com/bluenviron/mediacommon/v2 v2.9.3
	github.com/grafov/m3u8 v0.12.1
	github.com/sirupsen/logrus v1.7.0
	github.com/yutopp/go-flv v0.3.1
	github.com/yutopp/go-rtmp v0.0.7
	golang.org/x/sys v0.3.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/asticode/go-astikit v0.30.0 // indirect
	github.com/asticode/go-astits v1.16.0 // indirect
	github.com/hashicorp/errwrap v1.1.0 // indirect
	github.com/hashicorp/go-multierror v1.1.0 // indirect
	github.com/mitchellh/mapstructure v1.4.1 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/yutopp/go-amf0 v0.1.0 // indirect
)
