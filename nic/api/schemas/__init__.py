"""marshmallow schemas: they validate requests, shape responses and generate the docs."""
