"""Newsletter delivery: queueing 100,000 readers, messages per second, worker memory.

    .venv/bin/python bench/newsletters.py [--readers 100000] [--seconds 20]

One invocation measures, against one SMTP sink (aiosmtpd, its own process,
over loopback):
- the ceiling: a bare smtplib loop sending one prebuilt issue-sized message
  over one reused connection;
- the time to queue a send to every reader (one INSERT … SELECT);
- `dateline worker` delivering it: messages/s over `--seconds`, and the
  worker's peak memory (VmHWM);
- the same with DKIM signing (a 2048-bit RSA key).
Ratios are against the ceiling measured in the same run: the machine is shared.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.testing.newsletters import NewsletterRun  # noqa: E402
from dateline.testing.servers import free_port, wait_for_port  # noqa: E402

TARGETS = {"queue_seconds": 20, "ratio": 0.5, "ratio_dkim": 0.25, "memory_mb": 300}


class Sink:
    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dateline.testing.smtp", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        wait_for_port(self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def ceiling(port, message, seconds=5):
    smtp = smtplib.SMTP("127.0.0.1", port)
    sent, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        smtp.sendmail("bounces@news.example.org", [f"c{sent}@example.com"], message)
        sent += 1
    elapsed = time.monotonic() - started
    smtp.quit()
    return sent / elapsed


def django_call(run, code):
    """Run `code` inside Django with the run's settings; its last printed line."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**run.env, "DJANGO_SETTINGS_MODULE": "dateline.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return result.stdout.strip().splitlines()[-1]


def peak_memory_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def deliver(run, seconds, extra_env=None):
    """Start a worker, measure sent rows per second over `seconds` once it is sending."""
    run.env.update(extra_env or {})
    worker = run.start_worker("bench")
    sent = "SELECT COUNT(*) FROM newsletters_delivery WHERE state = 2 AND send_id = {send}"
    send_id = run.query("SELECT MAX(id) FROM newsletters_send")[0][0]
    query = sent.format(send=send_id)
    while run.query(query)[0][0] == 0:
        time.sleep(0.05)
    first, started, cpu = run.query(query)[0][0], time.monotonic(), cpu_seconds(worker.pid)
    memory = 0.0
    while time.monotonic() - started < seconds:
        time.sleep(0.5)
        memory = max(memory, peak_memory_mb(worker.pid))
    last, elapsed = run.query(query)[0][0], time.monotonic() - started
    cpu = cpu_seconds(worker.pid) - cpu
    memory = max(memory, peak_memory_mb(worker.pid))
    worker.stop()
    # What the worker itself could do if the server kept up: messages per CPU second.
    capacity = (last - first) / cpu if cpu else 0.0
    return (last - first) / elapsed, memory, capacity


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    sink = Sink()
    try:
        print(f"Seeding {args.readers:,} confirmed readers and a 6-card issue …", flush=True)
        run = NewsletterRun(sink, readers=args.readers, cards=6, demo=True)
        print(f"  seeded in {run.seed_seconds:.1f} s", flush=True)
        sample = django_call(
            run,
            "from dateline.newsletters.models import Send\n"
            "from dateline.newsletters.compose import render_issue\n"
            "from dateline.newsletters.mail import PreparedSend\n"
            "s = Send.objects.select_related('issue__newsletter').get()\n"
            "h, t = render_issue(s.issue)\n"
            "p = PreparedSend(send_id=s.pk, newsletter=s.issue.newsletter, subject=s.issue.subject,"
            " html=h, text=t)\n"
            "m = p.message(delivery_id=1, subscriber_id=1, address='c@example.com')\n"
            "open({!r}, 'wb').write(m); print(len(m))".format(str(run.dir / "sample.eml")),
        )
        message = (run.dir / "sample.eml").read_bytes()
        print(f"  one issue message: {int(sample):,} bytes", flush=True)

        reference = ceiling(sink.port, message)
        print(f"Ceiling (bare smtplib, one connection): {reference:,.0f} messages/s", flush=True)

        queue_seconds = float(
            django_call(
                run,
                "import time\nfrom dateline.newsletters.delivery import queue_send\n"
                "from dateline.newsletters.models import Send\n"
                "t = time.perf_counter(); queue_send(Send.objects.get().pk)\n"
                "print(time.perf_counter() - t)",
            )
        )
        print(
            f"Queueing {args.readers:,} deliveries: {queue_seconds:.2f} s "
            f"(target ≤ {TARGETS['queue_seconds']} s)",
            flush=True,
        )

        rate, memory = deliver(run, args.seconds)
        print(
            f"Delivery: {rate:,.0f} messages/s = {rate / reference:.2f}× the ceiling "
            f"(target ≥ {TARGETS['ratio']}×); worker peak memory {memory:.0f} MB "
            f"(target ≤ {TARGETS['memory_mb']} MB)",
            flush=True,
        )

        key = run.dir / "dkim.pem"
        subprocess.run(
            ["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True
        )
        django_call(
            run,
            "from dateline.newsletters.models import Send\nfrom dateline.newsletters.delivery"
            " import queue_send\nfirst = Send.objects.get()\n"
            "Send.objects.filter(pk=first.pk).update(state='cancelled')\n"
            "s = Send.objects.create(issue=first.issue); queue_send(s.pk); print(s.pk)",
        )
        rate_dkim, memory_dkim, capacity_dkim = deliver(
            run,
            args.seconds,
            {
                "NEWSLETTERS_DKIM_KEY_FILE": str(key),
                "NEWSLETTERS_DKIM_DOMAIN": "news.example.org",
                "NEWSLETTERS_DKIM_SELECTOR": "bench",
            },
        )
        print(
            f"Delivery with DKIM (RSA 2048): {rate_dkim:,.0f} messages/s = "
            f"{rate_dkim / reference:.2f}× the ceiling (target ≥ {TARGETS['ratio_dkim']}×); "
            f"worker peak memory {memory_dkim:.0f} MB",
            flush=True,
        )
        run.stop()
    finally:
        sink.stop()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    main()
