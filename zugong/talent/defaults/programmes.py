"""Talent defaults: a sample programme (三晋英才支持计划) as data."""
