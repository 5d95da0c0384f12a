"""Autotax (automatische taxatie van ganzenschade, DOMAIN §3.7): registrations, runs with their
review sample, and the batch decision with four eyes."""
