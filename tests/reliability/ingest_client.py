"""Child process of test_kill.py: ingests numbered batches through the API forever, retrying a batch
until it is acknowledged (the server may be SIGKILLed at any moment), and appends one line per
acknowledged batch to the ack file: "<batch> <stored> <duplicates>".

Usage: python ingest_client.py URL ACK_FILE ROWS_PER_BATCH
"""

from __future__ import annotations

import os
import sys
import time

import requests


def batch(number: int, rows: int) -> dict:
    return {
        "predictions": [
            {
                "id": f"b{number}-{i}",
                "model": "kill-test",
                "score": (i % 100) / 100,
                "features": {"a": float(i), "b": float(number)},
                "latency_seconds": 0.01,
            }
            for i in range(rows)
        ]
    }


def send_until_acknowledged(session: requests.Session, url: str, body: dict) -> dict:
    while True:
        try:
            response = session.post(url + "/api/predictions", json=body, timeout=10)
            if response.status_code == 200:
                return response.json()
        except requests.RequestException:
            session.close()
        time.sleep(0.05)  # the server is restarting: try again soon


def main() -> None:
    url, ack_path, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = requests.Session()
    with open(ack_path, "a", buffering=1) as acks:
        number = 0
        while True:
            answer = send_until_acknowledged(session, url, batch(number, rows))
            acks.write(f"{number} {answer['stored']} {answer['duplicates']}\n")
            os.fsync(acks.fileno())
            number += 1


if __name__ == "__main__":
    main()
