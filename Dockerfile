# brandguard worker image (also runs the simulator and producer: any
# `brandguard` subcommand). Build: docker build -t brandguard .
#
# Two stages: the build stage has a C compiler because faust-streaming ships
# only a source distribution on PyPI (its Cython speed-ups are compiled at
# install time); the runtime stage gets just the finished virtualenv.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/brandguard
WORKDIR /src
# Dependencies first, from the pinned constraints, so that editing the code
# does not invalidate the (slow) dependency layer (a pure build of the empty
# package: only its dependencies stay).
COPY pyproject.toml setup.py constraints.txt README.md ./
RUN mkdir signals streams \
 && BRANDGUARD_PURE=1 /opt/brandguard/bin/pip install -c constraints.txt . \
 && /opt/brandguard/bin/pip uninstall -y brandguard
# The package as users install it: pip builds the wheel, whose hot
# modules of signals setup.py compiles with mypyc (mypy is only in the isolated
# build environment, not in the image).
COPY signals ./signals
COPY streams ./streams
RUN /opt/brandguard/bin/pip install --no-deps -c constraints.txt . \
 && /opt/brandguard/bin/brandguard --help > /dev/null \
 && cd / && /opt/brandguard/bin/python -c "from streams.worker.monitoring.build_info import running_build as r; b = r(); print(b.describe()); assert b.kind == 'compiled' and not b.stale"

FROM ${PYTHON_IMAGE}
ARG UID=10001
RUN groupadd --system --gid ${UID} brandguard \
 && useradd --system --uid ${UID} --gid brandguard --home-dir /var/lib/brandguard \
            --create-home --shell /usr/sbin/nologin brandguard
COPY --from=build /opt/brandguard /opt/brandguard
ENV PATH=/opt/brandguard/bin:${PATH} \
    OPENBLAS_NUM_THREADS=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BRANDGUARD_DATA_DIR=/var/lib/brandguard/state \
    BRANDGUARD_WEB_HOST=0.0.0.0 \
    BRANDGUARD_WEB_PORT=6066
USER brandguard
WORKDIR /var/lib/brandguard
VOLUME ["/var/lib/brandguard"]
EXPOSE 6066
# Ready, not merely alive: a worker still restoring its tables is unhealthy
# here so that `depends_on: condition: service_healthy` waits for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=4 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('BRANDGUARD_WEB_PORT', '6066'), timeout=4)"]
ENTRYPOINT ["brandguard"]
CMD ["worker"]
