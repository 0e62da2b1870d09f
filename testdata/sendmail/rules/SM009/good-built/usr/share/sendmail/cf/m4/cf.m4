divert(-1)
