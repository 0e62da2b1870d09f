package lint

import "sync"

// Memo caches views derived from a unit (a routing table, credential
// indexes, parsed lists) that several rules need. The rules of a unit run
// concurrently: the first caller of a key builds its value, the others
// wait for it. The zero Memo is ready to use.
type Memo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
}

// Get returns the value build computes for key, computing it once.
func (m *Memo) Get(key string, build func() any) any {
	m.mu.Lock()
	e, ok := m.m[key]
	if !ok {
		if m.m == nil {
			m.m = map[string]*memoEntry{}
		}
		e = &memoEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}

// Reset forgets every value (benchmarks measuring a fresh run).
func (m *Memo) Reset() {
	m.mu.Lock()
	m.m = nil
	m.mu.Unlock()
}
