"""Configuration as data: policy.yaml (every section), the header aliases, the enumeration
labels and the contract terms, each loaded and checked once into frozen, typed objects that
the stages receive as arguments. `resources` says where the shipped data files live."""
