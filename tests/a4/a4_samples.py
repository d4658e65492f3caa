# SPDX-License-Identifier: Apache-2.0
"""Sample hall and item for the A4 tests and bench (module names are unique: the suite
has several conftest.py files, so never ``from conftest import``)."""
HALL = {"name": "威海经济技术开发区政务服务中心 政务e厅", "opening_hours": "周一至周五 9:00-12:00, 13:30-17:00",
        "phone": "0631-12345"}
