"""In-memory fakes of each service's store (cosmicpython's FakeRepository): handler unit tests
run on these; the real stores' own query tests run on the embedded store or MongoDB."""
