# The two commands: `make demo` (the main job) and `make test`. Both set up first.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test lint typecheck demo notebooks neo4j-start neo4j-stop kafka-start kafka-stop clean

setup:
	@bash scripts/setup.sh

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

demo: setup
	$(BIN)/riskgraph demo

# JupyterLab on notebooks/ against the local Neo4j (started if down); prints the URL with its token.
notebooks: setup
	$(BIN)/riskgraph notebooks

neo4j-start: setup
	$(BIN)/riskgraph neo4j start

neo4j-stop:
	$(BIN)/riskgraph neo4j stop

kafka-start: setup
	$(BIN)/riskgraph kafka start

kafka-stop:
	$(BIN)/riskgraph kafka stop

clean:
	-$(BIN)/riskgraph neo4j stop
	-$(BIN)/riskgraph kafka stop
	rm -rf var services/neo4j-local/target services/kafka-local/target .mypy_cache .ruff_cache .pytest_cache
