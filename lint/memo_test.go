package lint

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestMemo(t *testing.T) {
	var m Memo
	var builds atomic.Int32
	build := func() any { builds.Add(1); return 42 }
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if v := m.Get("k", build); v != 42 {
				t.Errorf("Get = %v", v)
			}
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times, want once", n)
	}
	m.Reset()
	m.Get("k", build)
	if n := builds.Load(); n != 2 {
		t.Errorf("after Reset built %d times in all, want 2", n)
	}
}
