"""The appointments demo: services.yaml and its loader (run by load_demo after the procedures demo)."""

from .loader import AppointmentsDemoReport, load_appointments_demo, read_demo

__all__ = ["AppointmentsDemoReport", "load_appointments_demo", "read_demo"]
