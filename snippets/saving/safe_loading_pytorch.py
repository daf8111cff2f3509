import os
import pickle

import torch

torch.manual_seed(0)


def write_marker():
    # The "payload": harmless here, but it could be any Python call.
    with open("marker.txt", "w") as f:
        f.write("the payload ran\n")


class Payload:
    def __reduce__(self):  # tells pickle to call write_marker() when loading
        return (write_marker, ())


# A file that looks like a checkpoint but carries a call to a Python function.
torch.save({"weight": torch.zeros(2), "extra": Payload()}, "untrusted.pt")

refused = False
try:
    torch.load("untrusted.pt")  # weights_only=True by default: refuses unknown globals
except pickle.UnpicklingError as error:
    refused = True
    print(type(error).__name__)
    reason = next(line for line in str(error).splitlines() if "Unsupported global" in line)
    print(reason.split("Unsupported global: ")[1].split(". ")[0])
payload_ran = os.path.exists("marker.txt")
print("refused:", refused, "| payload ran:", payload_ran)

# DANGEROUS: weights_only=False unpickles anything, and runs the payload.
# Only ever do this with a file you created or fully trust.
torch.load("untrusted.pt", weights_only=False)  # DANGEROUS
print("after weights_only=False, payload ran:", os.path.exists("marker.txt"))
