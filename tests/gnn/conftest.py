"""gnn tests run single-threaded: the CI box is shared and torch's spinning threads thrash under load."""

import torch

torch.set_num_threads(1)
