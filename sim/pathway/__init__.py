"""The pathway a contact takes, written as one readable generator per process."""
