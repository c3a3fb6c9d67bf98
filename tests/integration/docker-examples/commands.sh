# Command lines from the docker and podman documentation's examples (docker run, ps, logs, inspect, exec,
# network, image, container references), in the order a user types them, with `docker` written as it is there.
# tests/integration/84-docker-examples.bats runs each line with bash after replacing the word `docker` by
# `conmanctl`; every line must succeed. `busybox` is the test image (tagged busybox:latest and alpine:latest
# in setup_file); the nginx examples use busybox's httpd. One command a line; `#` starts a comment.
docker version
docker info
docker system df
docker images
docker image ls
docker images -q
docker image inspect busybox
docker tag busybox myimage:1.0
docker images myimage
docker rmi myimage:1.0
docker run --rm busybox echo hello world
docker run --rm alpine echo "hello from alpine"
docker run --rm -e MYVAR1=foo --env MYVAR2=bar busybox sh -c 'test "$MYVAR1$MYVAR2" = foobar'
export MYVAR3=baz; docker run --rm -e MYVAR3 busybox sh -c 'test "$MYVAR3" = baz'
printf 'A=1\nB=2\n' > /tmp/env.list; docker run --rm --env-file /tmp/env.list busybox sh -c 'test "$A$B" = 12'
docker run --rm -w /tmp busybox sh -c 'test "$(pwd)" = /tmp'
docker run --rm --entrypoint /bin/sh busybox -c 'echo entrypoint'
docker run --rm --user 1000:1000 busybox sh -c 'test "$(id -u)" = 1000'
docker run --rm --hostname myhost busybox sh -c 'test "$(hostname)" = myhost'
docker run --rm -h myhost2 busybox hostname
docker run --rm --read-only busybox sh -c '! touch /x 2>/dev/null'
mkdir -p /tmp/data && echo hi > /tmp/data/f; docker run --rm -v /tmp/data:/data:ro busybox cat /data/f
docker run --rm --label com.example.foo=bar busybox true
docker run --rm --memory 64m --cpus 0.5 busybox true
docker run --rm --pids-limit 100 busybox true
docker run --rm --ulimit nofile=1024:2048 busybox sh -c 'test "$(ulimit -n)" = 1024'
docker run --rm --cap-drop ALL busybox true
docker run --rm --cap-add NET_ADMIN busybox true
docker run --rm --security-opt no-new-privileges busybox true
docker run --rm --network none busybox true
docker run --rm --init busybox true
docker run --rm --stop-timeout 3 busybox true
docker run --rm --shm-size 128m busybox sh -c 'df /dev/shm'
docker run --name exits busybox sh -c 'exit 3' || test $? = 3
docker wait exits
docker rm exits
docker run -d --name web -p 8080:80 busybox httpd -f -p 80
docker ps
docker ps -a
docker ps -q
docker ps --filter name=web
docker ps --filter status=running
docker ps --format '{{.Names}}: {{.Status}}'
docker ps --format 'table {{.ID}}\t{{.Image}}\t{{.Names}}'
docker container ls --all
docker inspect web
docker inspect --format '{{.State.Running}}' web
docker inspect -f '{{json .Config}}' web
docker inspect --format='{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' web
docker exec web ls /
docker exec -e FOO=bar web sh -c 'test "$FOO" = bar'
docker exec -w /tmp web pwd
docker logs web
docker logs --tail 10 web
docker stats --no-stream web
docker port web
docker port web 80
docker top web
docker top web -o pid,comm
docker pause web
docker ps --filter status=paused
docker unpause web
docker update --memory 128m --cpus 1 web
docker exec -d web sleep 5
docker export web > /tmp/web.tar
docker export -o /tmp/web2.tar web
tar -tf /tmp/web.tar | grep -q bin/busybox
docker diff web
docker cp /tmp/data/f web:/tmp/
docker cp web:/tmp/f /tmp/f-back
cmp /tmp/data/f /tmp/f-back
docker commit web webimage:1
docker run --rm webimage:1 true
docker import /tmp/web.tar imported:1
docker run --rm imported:1 /bin/true
docker save -o /tmp/busybox.tar busybox
docker save busybox > /tmp/busybox2.tar
docker load -i /tmp/busybox.tar
docker load < /tmp/busybox2.tar
docker stop web
docker start web
docker restart web
docker kill --signal=HUP web
docker kill web
docker rm web
docker create --name c1 busybox echo created
docker rename c1 c2
docker start c2
docker rm c2
docker run -d --name a1 busybox sleep 300
docker stop -t 1 a1
docker rm -f a1
docker run -d --name hc --health-cmd 'test -e /tmp' --health-interval 1s --health-retries 2 busybox sleep 300
for i in $(seq 1 30); do [ "$(docker inspect --format '{{.State.Health.Status}}' hc)" = healthy ] && break; sleep 0.5; done; docker ps --filter name=hc | grep -q healthy
docker healthcheck run hc
docker run -d --name a2 busybox sleep 300
docker rm -f $(docker ps -aq)
docker volume create mydata
docker run --rm -v mydata:/data busybox sh -c 'echo kept > /data/f'
docker run --rm -v mydata:/data:ro busybox cat /data/f
docker volume ls
docker volume inspect mydata
docker run --rm --mount type=volume,source=mydata,target=/data busybox test -s /data/f
docker run --rm --tmpfs /scratch busybox sh -c 'grep -q " /scratch tmpfs" /proc/mounts'
docker run --rm --mount type=tmpfs,target=/scratch busybox true
docker volume rm mydata
docker volume prune -f
docker network create mynet
docker network ls
docker network inspect mynet
docker run --rm --network mynet busybox true
docker network rm mynet
docker run -d --name p1 busybox true
docker container prune -f
docker image prune -f
docker network create unused1
docker network prune -f
! docker network ls | grep -q unused1
docker run --name p2 busybox true
docker system prune -f
test -z "$(docker ps -aq)"
docker system prune -a -f
