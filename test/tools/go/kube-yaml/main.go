// Command kube-yaml reads YAML exactly as kubectl does (k8s.io/apimachinery's YAMLOrJSONDecoder over
// sigs.k8s.io/yaml and go-yaml) and prints what it read as JSON, for kubeship's tests: what kubeship
// writes must read back the same in Go and in JavaScript.
//
//	kube-yaml            one multi-document stream on stdin -> a JSON array of documents on stdout
//	kube-yaml -lines     each stdin line is a JSON string holding a stream; each output line is
//	                     {"docs": [...]} or {"error": "..."} (one process for many cases)
//	kube-yaml -values    each stdin line is a JSON string holding one YAML document read the way Helm
//	                     reads values files (sigs.k8s.io/yaml.Unmarshal); output as with -lines
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type result struct {
	Docs  []json.RawMessage `json:"docs,omitempty"`
	Error string            `json:"error,omitempty"`
}

func decodeStream(r io.Reader) ([]json.RawMessage, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	docs := []json.RawMessage{}
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		docs = append(docs, raw)
	}
}

func decodeValues(text []byte) ([]json.RawMessage, error) {
	var v interface{}
	if err := yaml.Unmarshal(text, &v); err != nil {
		return nil, err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return []json.RawMessage{out}, nil
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "-lines" || os.Args[1] == "-values") {
		in := bufio.NewScanner(os.Stdin)
		in.Buffer(make([]byte, 1<<20), 1<<30)
		out := bufio.NewWriter(os.Stdout)
		enc := json.NewEncoder(out)
		for in.Scan() {
			var text string
			if err := json.Unmarshal(in.Bytes(), &text); err != nil {
				fmt.Fprintln(os.Stderr, "kube-yaml: a line is not a JSON string:", err)
				os.Exit(2)
			}
			var docs []json.RawMessage
			var err error
			if os.Args[1] == "-values" {
				docs, err = decodeValues([]byte(text))
			} else {
				docs, err = decodeStream(bytes.NewReader([]byte(text)))
			}
			if err != nil {
				_ = enc.Encode(result{Error: err.Error()})
			} else {
				_ = enc.Encode(result{Docs: docs})
			}
			_ = out.Flush()
		}
		return
	}
	docs, err := decodeStream(bufio.NewReader(os.Stdin))
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube-yaml:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(docs)
}
