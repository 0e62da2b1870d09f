package exim

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

func TestScratchEC(t *testing.T) {
	p := os.Getenv("EC_FILE")
	if p == "" {
		t.Skip()
	}
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	res, err := lint.Run(lint.Options{Registry: reg, Root: os.Getenv("EC_ROOT"), Settings: lint.Settings{Port: 587}}, []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("EC_DUMP") != "" {
		l := lint.NewLoader(nil, os.Getenv("EC_ROOT"), false, 0)
		f, _ := l.OpenDisk(p, "")
		f.Kind, _ = reg.Detect(p, f.Src)
		s := Frontend{}.Load(l, f).(*Setup)
		fmt.Println("variant", s.Variant, "part", s.Part, "files", len(s.Files()), "errors", len(s.Config.Errors))
		for _, r := range s.Routers {
			tn := "<nil>"
			if r.Transport != nil {
				tn = r.Transport.Name
			}
			fmt.Printf("router %s %s transport=%s(%s) more=%v rules=%d\n", r.Name, r.Type, r.TransportName, tn, r.More, len(r.Rules))
		}
		for _, t := range s.Transports {
			fmt.Printf("transport %s %s port=%d/%v proto=%s reqtls=%v\n", t.Name, t.Type, t.Port, t.PortKnown, t.Protocol, t.HostsRequireTLS.Set())
		}
		for _, a := range s.Authenticators {
			fmt.Printf("auth %s %s public=%s client=%v server=%v\n", a.Name, a.Type, a.PublicName, a.Client, a.Server)
		}
		for _, rt := range s.Routes {
			for _, h := range rt.Hosts {
				fmt.Printf("route %s -> %s:%d (list=%v known=%v) tls=%v auth=%v/%v\n", rt.Router.Name, h.Name, h.Port, h.PortFromList, h.PortKnown, rt.TLSRequired, rt.AuthRequired, rt.AuthTried)
			}
		}
		for _, e := range s.Config.Errors {
			fmt.Println("error", e)
		}
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d %s %s %s | %s\n", f.Path, f.Start.Line, f.Start.Column, f.Rule, f.Severity, f.Message, f.Hint)
	}
}

func TestScratchFixtures(t *testing.T) {
	if os.Getenv("EC_FIX") == "" {
		t.Skip()
	}
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	dirs, _ := filepath.Glob("../../testdata/exim/rules/EX0[01]*/*")
	for _, d := range dirs {
		res, err := lint.Run(lint.Options{Registry: reg, Root: d, Settings: lint.Settings{Port: 587}}, []string{d})
		if err != nil {
			t.Fatal(err)
		}
		rule := filepath.Base(filepath.Dir(d))
		for _, f := range res.Findings {
			if f.Rule == rule || f.Rule == "EX000" {
				rel, _ := filepath.Rel(d, f.Path)
				fmt.Printf("%s/%s: %s:%d %s | %s\n", rule, filepath.Base(d), rel, f.Start.Line, f.Rule, f.Message)
			}
		}
	}
}
