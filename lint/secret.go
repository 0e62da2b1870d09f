package lint

// Secret holds a credential read from a config. Every way Go formats or
// encodes it prints "****", so leaking one takes deliberate effort (calling
// Reveal), not a careless %s.
type Secret string

// Mask is what secrets look like in every output.
const Mask = "****"

func (Secret) String() string   { return Mask }
func (Secret) GoString() string { return Mask }

// MarshalText makes encoding/json, yaml and xml print the mask.
func (Secret) MarshalText() ([]byte, error) { return []byte(Mask), nil }

// Reveal returns the secret itself, for the checks that must inspect it.
func (s Secret) Reveal() string { return string(s) }
