"""Classification labels: schemes, parsing, rendering, lattice, roll-up, access expressions."""
